package org.convnetplayground.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapped scan against the heap reference ({@link ExactSearch}): same rows, same distances, every metric. */
class MappedExactSearchTest {

    @TempDir
    Path dir;

    @Test
    void threeVectorsInTheirExactOrder() throws IOException {
        MappedVectors v = write(new float[] {1, 0, 0, 1, 1, 1}, 2);
        MappedExactSearch search = new MappedExactSearch(v);
        List<ScoredRow> hits = search.topK(new float[] {1, 0.1f}, Metric.EUCLIDEAN, 3, 3, null);
        assertEquals(List.of(0, 2, 1), hits.stream().map(ScoredRow::row).toList());
        assertEquals((double) 0.1f, hits.get(0).distance());
        assertEquals(List.of(2, 1), search.topK(new float[] {1, 0.1f}, Metric.EUCLIDEAN, 3, 2, r -> r == 0)
                .stream().map(ScoredRow::row).toList());
    }

    @Test
    void sameAnswersAsTheHeapSearchUnderEveryMetricAcrossSeveralBuffers() throws IOException {
        int n = 1700;
        int dim = 1280; // n * dim is above the parallel threshold: the split scan is exercised
        float[] data = clustered(n, dim, 11);
        Path file = dir.resolve("v.f32");
        Files.write(file, bytes(data));
        // buffers of 333 rows: a row never straddles two
        MappedVectors mapped = MappedVectors.open(file, dim, 333L * dim * 4 + 17);
        assertEquals(6, mapped.chunkCount());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000 * dim, 1001 * dim), mapped.row(1000));
        assertTrue((long) n * dim >= MappedExactSearch.PARALLEL_MIN_VALUES);
        ExactSearch heap = new ExactSearch(VectorMatrix.of(data, dim));
        MappedExactSearch search = new MappedExactSearch(mapped);
        float[] q = java.util.Arrays.copyOfRange(data, 5 * dim, 6 * dim);
        q[3] += 0.5f;
        for (Metric metric : Metric.values()) {
            List<ScoredRow> expected = heap.topK(q, metric, 3, 50, r -> r == 7);
            List<ScoredRow> actual = search.topK(q, metric, 3, 50, r -> r == 7);
            assertEquals(expected, actual, metric.id());
            double[] all = search.distances(q, metric, 3);
            assertArrayEquals(heap.distances(q, metric, 3), all, metric.id());
            assertEquals(metric.distance(q, mapped.row(1234), 3), all[1234], metric.id());
        }
    }

    @Test
    void rerankOfCandidatesEqualsTheExactTopKAmongThemUnderEveryMetric() throws IOException {
        int n = 1200;
        int dim = 96;
        float[] data = clustered(n, dim, 23);
        Path file = dir.resolve("c.f32");
        Files.write(file, bytes(data));
        MappedExactSearch search = new MappedExactSearch(MappedVectors.open(file, dim));
        Random random = new Random(9);
        float[] q = java.util.Arrays.copyOfRange(data, 40 * dim, 41 * dim);
        q[1] += 0.25f;
        // as many candidates as an index hands over: fewer, equal to and more than k + the re-rank margin
        for (int candidates : new int[] {20, 10 + ExactSearch.RERANK_MARGIN, 150, 700}) {
            java.util.Set<Integer> chosen = new java.util.LinkedHashSet<>();
            while (chosen.size() < candidates) {
                chosen.add(random.nextInt(n));
            }
            int[] rows = chosen.stream().mapToInt(Integer::intValue).toArray();
            for (Metric metric : Metric.values()) {
                List<ScoredRow> expected = search.topK(q, metric, 3, 10, r -> !chosen.contains(r));
                assertEquals(expected, search.rerank(q, metric, 3, rows, 10), metric.id() + " of " + candidates);
            }
        }
    }

    @Test
    void normsComputedForCandidatesFirstServeLaterFullScansExactly() throws IOException {
        int n = 900;
        int dim = 64;
        float[] data = clustered(n, dim, 29);
        Path file = dir.resolve("n.f32");
        Files.write(file, bytes(data));
        MappedExactSearch search = new MappedExactSearch(MappedVectors.open(file, dim));
        ExactSearch heap = new ExactSearch(VectorMatrix.of(data, dim));
        float[] q = java.util.Arrays.copyOfRange(data, 3 * dim, 4 * dim);
        q[0] += 0.5f;
        // a re-rank first: only its candidates' norms are known when the full scan comes
        int[] some = {5, 17, 400, 899, 3};
        assertEquals(heap.topK(q, Metric.COSINE, 3, 3, r -> r != 5 && r != 17 && r != 400 && r != 899 && r != 3),
                search.rerank(q, Metric.COSINE, 3, some, 3));
        assertEquals(heap.topK(q, Metric.COSINE, 3, 50, null), search.topK(q, Metric.COSINE, 3, 50, null));
        assertArrayEquals(heap.distances(q, Metric.COSINE, 3), search.distances(q, Metric.COSINE, 3));
    }

    @Test
    void bufferKernelsAgreeWithTheReferenceOnAwkwardSizes() {
        Random random = new Random(5);
        for (int len : new int[] {1, 3, 7, 8, 13, 255, 256, 1000, 2048, 4097}) {
            float[] q = new float[len];
            float[] r = new float[len];
            for (int i = 0; i < len; i++) {
                q[i] = random.nextFloat() * 2 - 1;
                r[i] = random.nextFloat() * 2 - 1;
            }
            ByteBuffer b = ByteBuffer.allocateDirect(len * 4 + 12).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < len; i++) {
                b.putFloat(12 + 4 * i, r[i]);
            }
            // dot4: the same row at 12 and three others at odd places of a second buffer (one a negated copy)
            float[][] others = new float[3][len];
            ByteBuffer b2 = ByteBuffer.allocateDirect(len * 12 + 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < len; i++) {
                    others[j][i] = j == 2 ? -r[i] : random.nextFloat() * 2 - 1;
                    b2.putFloat(8 + j * len * 4 + 4 * i, others[j][i]);
                }
            }
            double tolerance = 1e-5 * len;
            for (BufferKernels k : List.of(BufferKernels.best(), BufferKernels.scalar())) {
                double[] four = new double[4];
                k.dot4(q, b, 12, b2, 8 + 2 * len * 4, b2, 8, b2, 8 + len * 4, len, four);
                assertEquals(ScalarKernels.INSTANCE.dot(q, 0, r, 0, len), four[0], tolerance, k + " dot4 " + len);
                assertEquals(ScalarKernels.INSTANCE.dot(q, 0, others[2], 0, len), four[1], tolerance,
                        k + " dot4 " + len);
                assertEquals(ScalarKernels.INSTANCE.dot(q, 0, others[0], 0, len), four[2], tolerance,
                        k + " dot4 " + len);
                assertEquals(ScalarKernels.INSTANCE.dot(q, 0, others[1], 0, len), four[3], tolerance,
                        k + " dot4 " + len);
                assertEquals(ScalarKernels.INSTANCE.dot(q, 0, r, 0, len), k.dot(q, b, 12, len), tolerance, k + " " + len);
                assertEquals(ScalarKernels.INSTANCE.squaredL2(q, 0, r, 0, len), k.squaredL2(q, b, 12, len), tolerance,
                        k + " " + len);
            }
        }
        assertTrue(BufferKernels.best().name().startsWith("simd"), "tests run with the Vector API");
    }

    /** A sparse file of 2.1 GB: two buffers, rows found on both sides of the 2 GB boundary. */
    @Test
    void filesOverTwoGigabytesAreMappedInSeveralBuffers() throws IOException {
        int dim = 1024;
        long rowBytes = dim * 4L;
        long rows = (2_150_000_000L + rowBytes - 1) / rowBytes;
        Path file = dir.resolve("big.f32");
        long[] planted = {3, 524_286, 524_288, rows - 1};
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(rows * rowBytes);
            for (long row : planted) {
                float[] v = new float[dim];
                v[(int) (row % dim)] = 10;
                f.seek(row * rowBytes);
                f.write(bytes(v));
            }
        }
        MappedVectors mapped = MappedVectors.open(file, dim);
        assertEquals(rows, mapped.size());
        assertEquals(2, mapped.chunkCount());
        MappedExactSearch search = new MappedExactSearch(mapped);
        for (long row : planted) {
            float[] q = new float[dim];
            q[(int) (row % dim)] = 9;
            ScoredRow best = search.topK(q, Metric.SQEUCLIDEAN, 3, 1, null).get(0);
            assertEquals(row, best.row());
            assertEquals(1.0, best.distance());
            assertEquals(10f, mapped.get((int) row, (int) (row % dim)));
        }
    }

    @Test
    void badQueriesAreRefused() throws IOException {
        MappedExactSearch search = new MappedExactSearch(write(new float[] {1, 2, 3, 4}, 2));
        assertThrows(IllegalArgumentException.class, () -> search.topK(new float[] {1}, Metric.COSINE, 3, 1, null));
        assertThrows(IllegalArgumentException.class,
                () -> search.topK(new float[] {1, Float.NaN}, Metric.COSINE, 3, 1, null));
        assertThrows(IllegalArgumentException.class, () -> search.topK(new float[] {1, 2}, Metric.COSINE, 3, -1, null));
        assertThrows(IllegalArgumentException.class, () -> MappedVectors.open(writeRaw(new float[] {1, 2, 3}), 2));
    }

    static float[] clustered(int n, int dim, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[20][dim];
        for (float[] c : centres) {
            for (int j = 0; j < dim; j++) {
                c[j] = random.nextFloat() < 0.3 ? random.nextFloat() * 3 : 0;
            }
        }
        float[] data = new float[n * dim];
        for (int i = 0; i < n; i++) {
            float[] c = centres[random.nextInt(centres.length)];
            for (int j = 0; j < dim; j++) {
                data[i * dim + j] = Math.max(0, c[j] + (float) random.nextGaussian() * 0.5f);
            }
        }
        return data;
    }

    private MappedVectors write(float[] data, int dim) throws IOException {
        return MappedVectors.open(writeRaw(data), dim);
    }

    private Path writeRaw(float[] data) throws IOException {
        Path file = Files.createTempFile(dir, "v", ".f32");
        Files.write(file, bytes(data));
        return file;
    }

    static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
