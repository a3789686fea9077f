package org.convnetplayground.search.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link VectorIndex} promises, run against each implementation: tiny cases with exact expectations first,
 * then a few thousand clustered vectors where the approximate answers are measured against the exact ones.
 */
abstract class VectorIndexContract {

    @TempDir
    Path dir;

    private final List<VectorIndex> opened = new ArrayList<>();

    /** An index of {@code vectors}, with {@code ids} in row order, of the implementation under test. */
    abstract VectorIndex open(Path dir, MappedVectors vectors, List<String> ids) throws IOException;

    @AfterEach
    void closeAll() {
        opened.forEach(VectorIndex::close);
    }

    VectorIndex index(float[] data, int dim, List<String> ids) throws IOException {
        Path file = Files.createTempFile(dir, "vectors", ".f32");
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        Files.write(file, b.array());
        VectorIndex index = open(Files.createTempDirectory(dir, "index"), MappedVectors.open(file, dim), ids);
        opened.add(index);
        return index;
    }

    @Test
    void threeVectorsInExactOrderUnderEveryMetricAndMode() throws IOException {
        VectorIndex index = index(new float[] {1, 0, 0, 1, 1, 1}, 2, List.of("x", "y", "xy"));
        assertEquals(3, index.size());
        assertEquals(2, index.dimension());
        for (SearchMode mode : SearchMode.values()) {
            IndexAnswer a = index.search(new IndexQuery(new float[] {1, 0.2f}, Metric.COSINE, 3, 3, Set.of(), mode));
            assertEquals(List.of("x", "xy", "y"), ids(a), mode.id());
            assertEquals(Metric.COSINE.distance(new float[] {1, 0.2f}, new float[] {1, 1}, 3), a.neighbours().get(1).distance());
            IndexAnswer e = index.search(new IndexQuery(new float[] {0, 3}, Metric.EUCLIDEAN, 3, 2, Set.of("y"), mode));
            assertEquals(List.of("xy", "x"), ids(e), mode.id());
            assertEquals(Math.sqrt(5), e.neighbours().get(0).distance(), 1e-12);
        }
        assertEquals(SearchMode.EXACT, index.search(new IndexQuery(new float[] {1, 0}, Metric.COSINE, 3, 1, null,
                SearchMode.EXACT)).mode());
    }

    /** Every neighbour names its row, the row its id has (callers take the item from the row, not the id). */
    @Test
    void neighboursNameTheRowsOfTheirIds() throws IOException {
        List<String> ids = ids(600);
        VectorIndex index = index(clustered(600, 24, 5), 24, ids);
        float[] q = clustered(1, 24, 55);
        for (SearchMode mode : SearchMode.values()) {
            for (Metric metric : List.of(Metric.COSINE, Metric.EUCLIDEAN)) {
                IndexAnswer a = index.search(new IndexQuery(q, metric, 3, 20, Set.of(ids.get(3)), mode));
                assertEquals(20, a.neighbours().size(), mode.id());
                for (Neighbour n : a.neighbours()) {
                    assertEquals(ids.get(n.row()), n.id(), mode.id() + " " + metric.id());
                }
            }
        }
    }

    @Test
    void metricsTheApproximateIndexCannotServeAreAnsweredExactlyAndSaySo() throws IOException {
        VectorIndex index = index(clustered(600, 24, 3), 24, ids(600));
        float[] q = clustered(1, 24, 99);
        for (Metric metric : List.of(Metric.CHEBYSHEV, Metric.CANBERRA, Metric.BRAYCURTIS, Metric.MINKOWSKI,
                Metric.CORRELATION)) {
            assertFalse(index.approximates(metric), metric.id());
            IndexAnswer a = index.search(new IndexQuery(q, metric, 3, 10, Set.of(), SearchMode.APPROXIMATE));
            assertEquals(SearchMode.EXACT, a.mode(), metric.id());
            assertNotNull(a.note(), metric.id() + ": the answer says why it is exact");
            assertEquals(ids(index.search(new IndexQuery(q, metric, 3, 10, Set.of(), SearchMode.EXACT))), ids(a));
        }
    }

    @Test
    void kLargerThanTheCollectionGivesEveryOtherItem() throws IOException {
        VectorIndex index = index(clustered(5, 8, 4), 8, ids(5));
        for (SearchMode mode : SearchMode.values()) {
            IndexAnswer a = index.search(new IndexQuery(clustered(1, 8, 5), Metric.COSINE, 3, 50, Set.of("2"), mode));
            assertEquals(Set.of("0", "1", "3", "4"), new HashSet<>(ids(a)), mode.id());
        }
        assertTrue(index.search(new IndexQuery(clustered(1, 8, 5), Metric.COSINE, 3, 0, Set.of(), SearchMode.AUTO))
                .neighbours().isEmpty());
    }

    @Test
    void badQueriesAreRefused() throws IOException {
        VectorIndex index = index(clustered(5, 8, 4), 8, ids(5));
        for (SearchMode mode : SearchMode.values()) {
            assertThrows(IllegalArgumentException.class,
                    () -> index.search(new IndexQuery(new float[3], Metric.COSINE, 3, 5, Set.of(), mode)));
        }
    }

    /** Recall@10 of the approximate answers against exact ones on 3,000 clustered CNN-like vectors. */
    @Test
    void approximateAnswersFindMostExactNeighbours() throws IOException {
        int n = 3000;
        int dim = 64;
        VectorIndex index = index(clustered(n, dim, 7), dim, ids(n));
        float[] queries = clustered(50, dim, 8);
        double found = 0;
        for (int i = 0; i < 50; i++) {
            float[] q = java.util.Arrays.copyOfRange(queries, i * dim, (i + 1) * dim);
            IndexAnswer exact = index.search(new IndexQuery(q, Metric.COSINE, 3, 10, Set.of(), SearchMode.EXACT));
            IndexAnswer approximate = index.search(new IndexQuery(q, Metric.COSINE, 3, 10, Set.of(),
                    SearchMode.APPROXIMATE));
            assertEquals(index.approximates(Metric.COSINE) ? SearchMode.APPROXIMATE : SearchMode.EXACT,
                    approximate.mode());
            Set<String> truth = new HashSet<>(ids(exact));
            found += ids(approximate).stream().filter(truth::contains).count();
            // distances are exact whatever found them
            for (Neighbour nb : approximate.neighbours()) {
                int row = Integer.parseInt(nb.id());
                assertEquals(Metric.COSINE.distance(q, java.util.Arrays.copyOfRange(CLUSTER_CACHE, row * dim,
                        (row + 1) * dim), 3), nb.distance(), 1e-12);
            }
        }
        double recall = found / 500;
        assertTrue(recall >= 0.9, "recall@10 = " + recall);
    }

    private static float[] CLUSTER_CACHE;

    static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(Integer::toString).toList();
    }

    static List<String> ids(IndexAnswer a) {
        return a.neighbours().stream().map(Neighbour::id).toList();
    }

    /** Non-negative vectors around 30 sparse centres, like pooled CNN features. */
    static float[] clustered(int n, int dim, long seed) {
        Random random = new Random(seed);
        Random centresRandom = new Random(1);
        float[][] centres = new float[30][dim];
        for (float[] c : centres) {
            for (int j = 0; j < dim; j++) {
                c[j] = centresRandom.nextFloat() < 0.4 ? centresRandom.nextFloat() * 4 : 0;
            }
        }
        float[] data = new float[n * dim];
        for (int i = 0; i < n; i++) {
            float[] c = centres[random.nextInt(centres.length)];
            for (int j = 0; j < dim; j++) {
                data[i * dim + j] = Math.max(0, c[j] + (float) random.nextGaussian());
            }
        }
        if (n == 3000) {
            CLUSTER_CACHE = data;
        }
        return data;
    }
}
