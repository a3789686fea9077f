package org.convnetplayground.search.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorScorer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark, not a test (its name keeps it out of the suite): the HNSW build rate and recall@50 of three builds of
 * the same clustered vectors, side by side in one run. "before": the index branch's build (documents added one by
 * one, 256 MB RAM buffer, forceMerge(1), Lucene's own plain-loop scorer on Java 17); "lucene scorer": this branch's
 * build (the mapped rows merged into one segment, one graph) with Lucene's scorer; "simd scorer": the same with
 * {@link KernelVectorsScorer}. Run: {@code ./mvnw -B -pl search-service -am verify -Dtest=HnswBuildBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dbench.rows=20000} (optional {@code -Dbench.dim=1280}, {@code
 * -Dbench.quantized=true}, {@code -Dbench.threads=} cores).
 */
@EnabledIfSystemProperty(named = "bench.rows", matches = "\\d+")
class HnswBuildBench {

    @TempDir
    Path dir;

    @Test
    void buildRates() throws IOException {
        int rows = Integer.getInteger("bench.rows");
        int dim = Integer.getInteger("bench.dim", 1280);
        boolean quantized = Boolean.parseBoolean(System.getProperty("bench.quantized", "true"));
        int threads = Integer.getInteger("bench.threads", Runtime.getRuntime().availableProcessors());
        HnswParams params = new HnswParams(16, 100, quantized, 3, 150, threads);
        Path file = dir.resolve("vectors.f32");
        writeClustered(file, rows, dim);
        MappedVectors vectors = MappedVectors.open(file, dim);
        ExactIndex exact = new ExactIndex(vectors, VectorIndexContract.ids(rows));
        float[] queries = VectorIndexContract.clustered(100, dim, 777);
        System.out.printf("HNSW build, %,d x %,d clustered vectors, M 16, beam 100, %s, %d threads, %s%n", rows, dim,
                quantized ? "int8" : "float32", threads, System.getProperty("java.version"));
        measure("before", rows, exact, queries, params, out -> buildBefore(out, vectors, params));
        measure("lucene scorer", rows, exact, queries, params, out -> HnswIndex.build(out, vectors, params,
                new Lucene99ScalarQuantizedVectorScorer(DefaultFlatVectorScorer.INSTANCE), r -> { }, () -> false));
        measure("simd scorer", rows, exact, queries, params, out -> HnswIndex.build(out, vectors, params,
                r -> { }, () -> false));
    }

    interface Build {
        void into(Path dir) throws IOException;
    }

    private void measure(String name, int rows, ExactIndex exact, float[] queries, HnswParams params, Build build)
            throws IOException {
        Path out = Files.createDirectory(dir.resolve(name.replace(' ', '-')));
        long start = System.nanoTime();
        build.into(out);
        double seconds = (System.nanoTime() - start) / 1e9;
        int dim = exact.dimension();
        double hits = 0;
        try (HnswIndex index = HnswIndex.open(exact, out, params, 0)) {
            for (int i = 0; i < 100; i++) {
                float[] q = java.util.Arrays.copyOfRange(queries, i * dim, (i + 1) * dim);
                Set<String> truth = new HashSet<>(ids(index.search(new IndexQuery(q, Metric.COSINE, 3, 50, Set.of(),
                        SearchMode.EXACT))));
                hits += ids(index.search(new IndexQuery(q, Metric.COSINE, 3, 50, Set.of(), SearchMode.APPROXIMATE)))
                        .stream().filter(truth::contains).count();
            }
        }
        System.out.printf("%-14s build %8.1f s  %8.0f vectors/s  recall@50 %.3f (150 candidates, re-ranked)%n", name,
                seconds, rows / seconds, hits / (100 * 50));
    }

    private static List<String> ids(IndexAnswer a) {
        return VectorIndexContract.ids(a);
    }

    /** The index branch's build, as it was: document by document, then one forceMerge. */
    private static void buildBefore(Path out, MappedVectors vectors, HnswParams params) throws IOException {
        ExecutorService merges = Executors.newFixedThreadPool(params.threads());
        KnnVectorsFormat stock = params.quantized()
                ? new Lucene99HnswScalarQuantizedVectorsFormat(params.maxConn(), params.beamWidth(), params.threads(),
                        7, false, null, merges)
                : new Lucene99HnswVectorsFormat(params.maxConn(), params.beamWidth(), params.threads(), merges);
        KnnVectorsFormat wide = new KnnVectorsFormat(stock.getName()) {
            @Override
            public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
                return stock.fieldsWriter(state);
            }

            @Override
            public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
                return stock.fieldsReader(state);
            }

            @Override
            public int getMaxDimensions(String fieldName) {
                return 4096;
            }
        };
        // LogDocMergePolicy merges neighbouring segments, so document i stays row i (HnswIndex.open relies on it)
        IndexWriterConfig config = new IndexWriterConfig().setCodec(new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return wide;
            }
        }).setRAMBufferSizeMB(256).setUseCompoundFile(false).setMergePolicy(new LogDocMergePolicy());
        try (FSDirectory directory = FSDirectory.open(out); IndexWriter writer = new IndexWriter(directory, config)) {
            float[] row = new float[vectors.dim()];
            for (int i = 0; i < vectors.size(); i++) {
                vectors.copyRow(i, row, 0);
                Document doc = new Document();
                doc.add(new KnnFloatVectorField(HnswIndex.VECTOR_FIELD, HnswIndex.unit(row),
                        VectorSimilarityFunction.DOT_PRODUCT));
                writer.addDocument(doc);
            }
            writer.forceMerge(1);
            writer.commit();
        } finally {
            merges.shutdownNow();
        }
    }

    /** {@code rows} clustered vectors (as the index tests use), written in blocks so the heap never holds them all. */
    private static void writeClustered(Path file, int rows, int dim) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int block = 1000;
            for (int start = 0; start < rows; start += block) {
                int n = Math.min(block, rows - start);
                float[] data = VectorIndexContract.clustered(n, dim, start);
                ByteBuffer b = ByteBuffer.allocate(n * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(data);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
    }
}
