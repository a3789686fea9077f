package org.convnetplayground.search.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.convnetplayground.vectors.MappedVectors;
import org.junit.jupiter.api.Test;

/** The contract against the HNSW index with int8 scalar-quantized vectors (the service's default) and merge threads. */
class QuantizedHnswIndexTest extends HnswIndexTest {

    @Override
    HnswParams params() {
        return new HnswParams(16, 100, true, 4, 40, 2);
    }

    /**
     * The four-at-a-time walk over the mapped int8 vectors finds exactly Lucene's own searcher's candidates, in the
     * same order, for small and large beams, with the vectors in one mapped buffer and in many (rows of 100 bytes
     * and a correction, so the SIMD sums have a tail; 3,000 rows give the graph upper levels).
     */
    @Test
    void theWalkFindsLucenesCandidates() throws IOException {
        int n = 3000;
        int dim = 100;
        Path indexDir = Files.createTempDirectory(dir, "index");
        MappedVectors vectors = MappedVectors.open(write(clustered(n, dim, 41)), dim);
        HnswIndex.build(indexDir, vectors, params(), done -> { }, () -> false);
        float[] queries = clustered(40, dim, 42);
        for (int chunkBytes : new int[] {Integer.MAX_VALUE, 7 * (dim + 4) + 3}) {
            try (HnswIndex index = HnswIndex.open(new ExactIndex(vectors, ids(n)), indexDir, params(), 0,
                    chunkBytes)) {
                assertTrue(index.walks(), "the quantized segment is walked four at a time");
                for (int k : new int[] {1, 10, 50, 300}) {
                    for (int i = 0; i < 40; i++) {
                        float[] q = Arrays.copyOfRange(queries, i * dim, (i + 1) * dim);
                        assertArrayEquals(index.candidates(q, k, false), index.candidates(q, k, true),
                                "query " + i + ", k " + k + ", chunks of " + chunkBytes + " bytes");
                    }
                }
            }
        }
    }
}
