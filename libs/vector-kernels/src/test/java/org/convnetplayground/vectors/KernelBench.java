package org.convnetplayground.vectors;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Micro-benchmark, not a test: milliseconds per {@link ExactSearch#topK} query over a typical
 * collection (4,000 x 1,280), scalar and SIMD kernels measured side by side in one JVM, rounds
 * interleaved so both see the same machine state. From libs/vector-kernels, after
 * {@code ../../mvnw -q test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes \
 *     org.convnetplayground.vectors.KernelBench [rows] [dim] [k]
 * </pre>
 */
public final class KernelBench {
    private static final int QUERIES = 40;
    private static final int ROUNDS = 7;

    private KernelBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 1_280;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Random random = new Random(1);
        float[] data = new float[n * dim];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.max(0, random.nextGaussian() + 0.3); // ReLU-like CNN features
        }
        VectorMatrix matrix = VectorMatrix.of(data, dim);
        float[][] queries = new float[QUERIES][];
        for (int q = 0; q < QUERIES; q++) {
            queries[q] = matrix.row(random.nextInt(n)).clone();
            for (int j = 0; j < dim; j++) {
                queries[q][j] += (float) (0.1 * random.nextGaussian());
            }
        }
        VectorKernels simd = VectorKernels.best();
        VectorKernels scalar = VectorKernels.scalar();
        System.out.printf("java %s, %d cores, %d x %d, k=%d, best kernels: %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                n, dim, k, simd.name());
        if (simd == scalar) {
            System.out.println("SIMD unavailable: run with --add-modules jdk.incubator.vector");
        }
        for (Metric metric : List.of(Metric.COSINE, Metric.EUCLIDEAN)) {
            ExactSearch scalarSearch = new ExactSearch(matrix, scalar);
            ExactSearch simdSearch = new ExactSearch(matrix, simd);
            double[] scalarMs = new double[ROUNDS];
            double[] simdMs = new double[ROUNDS];
            double[] exactAllMs = new double[ROUNDS];
            for (int warm = 0; warm < 3; warm++) {
                run(scalarSearch, queries, metric, k);
                run(simdSearch, queries, metric, k);
                runDistances(scalarSearch, queries, metric);
            }
            for (int r = 0; r < ROUNDS; r++) {
                scalarMs[r] = run(scalarSearch, queries, metric, k);
                simdMs[r] = run(simdSearch, queries, metric, k);
                exactAllMs[r] = runDistances(scalarSearch, queries, metric);
            }
            int same = 0;
            for (float[] q : queries) {
                if (scalarSearch.topK(q, metric, 3, k, null)
                        .equals(simdSearch.topK(q, metric, 3, k, null))) {
                    same++;
                }
            }
            System.out.printf("%-10s topK scalar %6.2f ms/query | topK %s %6.2f ms/query"
                            + " (x%.1f) | distances() %6.2f ms/query | identical top-%d: %d/%d%n",
                    metric.id(), median(scalarMs), simd.name(), median(simdMs),
                    median(scalarMs) / median(simdMs), median(exactAllMs), k, same, QUERIES);
        }
    }

    private static double run(ExactSearch search, float[][] queries, Metric metric, int k) {
        long start = System.nanoTime();
        int sink = 0;
        for (float[] q : queries) {
            sink += search.topK(q, metric, 3, k, null).get(0).row();
        }
        double ms = (System.nanoTime() - start) / 1e6 / queries.length;
        return sink == Integer.MIN_VALUE ? -1 : ms;
    }

    private static double runDistances(ExactSearch search, float[][] queries, Metric metric) {
        long start = System.nanoTime();
        double sink = 0;
        for (float[] q : queries) {
            sink += search.distances(q, metric, 3)[0];
        }
        double ms = (System.nanoTime() - start) / 1e6 / queries.length;
        return Double.isNaN(sink) ? -1 : ms;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
