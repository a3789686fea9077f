package org.convnetplayground.search.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.FSDirectory;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;

/** The contract against the Lucene HNSW index, float and int8-quantized; and what the index's files are. */
class HnswIndexTest extends VectorIndexContract {

    static final HnswParams PARAMS = new HnswParams(16, 100, false, 4, 40, 1);

    HnswParams params() {
        return PARAMS;
    }

    @Override
    VectorIndex open(Path dir, MappedVectors vectors, List<String> ids) throws IOException {
        HnswIndex.build(dir, vectors, params(), done -> { }, () -> false);
        return HnswIndex.open(new ExactIndex(vectors, ids), dir, params(), 0);
    }

    /** 1,280 dimensions (MobileNet v2's embedding) are over Lucene's default limit of 1,024: the codec raises it. */
    @Test
    void vectorsWiderThanLucenesDefaultLimit() throws IOException {
        int dim = 1280;
        VectorIndex index = index(clustered(300, dim, 9), dim, ids(300));
        float[] q = clustered(1, dim, 10);
        IndexAnswer a = index.search(new IndexQuery(q, Metric.COSINE, 3, 10, Set.of(), SearchMode.APPROXIMATE));
        assertEquals(SearchMode.APPROXIMATE, a.mode());
        assertEquals(ids(index.search(new IndexQuery(q, Metric.COSINE, 3, 10, Set.of(), SearchMode.EXACT))), ids(a));
    }

    /**
     * The files are Lucene's: plain Lucene (its own codec from the service loader, its own scorer) opens them and its
     * KnnFloatVectorQuery finds the candidates our reader with the SIMD scorer finds: the same for int8 vectors (the
     * scores are equal bit for bit, so the searches take the same path), nearly the same for floats (sums rounded in
     * another order).
     */
    @Test
    void plainLuceneReadsTheIndexAndFindsTheSameCandidates() throws IOException {
        int n = 2000;
        int dim = 1280;
        Path indexDir = Files.createTempDirectory(dir, "index");
        MappedVectors vectors = MappedVectors.open(write(clustered(n, dim, 21)), dim);
        HnswIndex.build(indexDir, vectors, params(), done -> { }, () -> false);
        float[] queries = clustered(20, dim, 22);
        double same = 0;
        try (HnswIndex ours = HnswIndex.open(new ExactIndex(vectors, ids(n)), indexDir, params(), 0);
             DirectoryReader reader = DirectoryReader.open(FSDirectory.open(indexDir))) {
            assertEquals(1, reader.leaves().size(), "one segment");
            assertEquals(params().quantized(), ours.walks(), "int8 segments are walked four at a time, floats not");
            IndexSearcher searcher = new IndexSearcher(reader);
            for (int i = 0; i < 20; i++) {
                float[] q = Arrays.copyOfRange(queries, i * dim, (i + 1) * dim);
                int[] mine = ours.candidates(q, 50);
                ScoreDoc[] theirs = searcher.search(new KnnFloatVectorQuery(HnswIndex.VECTOR_FIELD, HnswIndex.unit(q),
                        50), 50).scoreDocs;
                Set<Integer> theirRows = new HashSet<>();
                for (ScoreDoc d : theirs) {
                    theirRows.add(d.doc);
                }
                if (params().quantized()) {
                    assertEquals(Arrays.toString(Arrays.stream(theirs).mapToInt(d -> d.doc).toArray()),
                            Arrays.toString(mine), "query " + i);
                }
                same += Arrays.stream(mine).filter(theirRows::contains).count();
            }
        }
        assertTrue(same / (20 * 50) >= 0.95, "shared candidates " + same / (20 * 50));
    }

    @Test
    void buildReportsProgressUpToEveryRow() throws IOException {
        int n = 9000;
        MappedVectors vectors = MappedVectors.open(write(clustered(n, 16, 31)), 16);
        List<Integer> reported = new ArrayList<>();
        HnswIndex.build(Files.createTempDirectory(dir, "index"), vectors, params(), reported::add, () -> false);
        assertTrue(reported.size() >= 2, "reports " + reported);
        assertEquals(n, reported.get(reported.size() - 1));
        assertTrue(reported.stream().allMatch(r -> r >= 0 && r <= n), "reports " + reported);
    }

    @Test
    void aCancelledBuildStopsWithoutAnIndex() throws IOException {
        int n = 9000;
        MappedVectors vectors = MappedVectors.open(write(clustered(n, 16, 32)), 16);
        Path indexDir = Files.createTempDirectory(dir, "index");
        AtomicBoolean cancel = new AtomicBoolean();
        // cancelled as soon as the graph reports progress
        IOException e = assertThrows(IOException.class, () -> HnswIndex.build(indexDir, vectors, params(),
                done -> cancel.set(true), cancel::get));
        assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
        assertFalse(DirectoryReader.indexExists(FSDirectory.open(indexDir)), "no commit was left");
    }

    Path write(float[] data) throws IOException {
        Path file = Files.createTempFile(dir, "vectors", ".f32");
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        Files.write(file, b.array());
        return file;
    }
}
