package org.convnetplayground.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SIMD graph kernels against the plain loops, on awkward sizes; ints exactly, floats within rounding. */
class GraphKernelsTest {

    static final int[] SIZES = {1, 3, 7, 8, 13, 255, 256, 1000, 1280, 2048, 4097};
    final GraphKernels simd = SimdGraphKernels.INSTANCE;
    final GraphKernels scalar = GraphKernels.scalar();

    @Test
    void bestIsSimdWithTheModule() {
        assertInstanceOf(SimdGraphKernels.class, GraphKernels.best());
        assertTrue(GraphKernels.best().name().startsWith("simd-"));
    }

    @Test
    void tinyKnownCases() {
        for (GraphKernels k : new GraphKernels[] {scalar, simd}) {
            assertEquals(32f, k.dot(new float[] {1, 2, 3}, new float[] {4, 5, 6}), k.name());
            assertEquals(27f, k.squareDistance(new float[] {1, 2, 3}, new float[] {4, 5, 6}), k.name());
            assertEquals(-32, k.dot(new byte[] {1, -2, 3}, new byte[] {-4, 5, -6}), k.name());
            assertEquals(5 * 5 + 7 * 7 + 9 * 9, k.squareDistance(new byte[] {1, -2, 3}, new byte[] {-4, 5, -6}), k.name());
            assertThrows(IllegalArgumentException.class, () -> k.dot(new float[3], new float[4]));
            assertThrows(IllegalArgumentException.class, () -> k.dot(new byte[3], new byte[4]));
        }
    }

    @Test
    void bytesEqualThePlainLoopsExactly() {
        Random random = new Random(11);
        for (int n : SIZES) {
            for (int trial = 0; trial < 20; trial++) {
                byte[] a = new byte[n];
                byte[] b = new byte[n];
                random.nextBytes(a);
                random.nextBytes(b);
                if (trial == 0) {
                    // the largest products: every one -128 * -128
                    java.util.Arrays.fill(a, Byte.MIN_VALUE);
                    java.util.Arrays.fill(b, Byte.MIN_VALUE);
                } else if (trial == 1) {
                    // the largest differences: every one 255
                    java.util.Arrays.fill(a, Byte.MIN_VALUE);
                    java.util.Arrays.fill(b, Byte.MAX_VALUE);
                } else if (trial == 2) {
                    // Lucene's 7-bit quantized values
                    for (int i = 0; i < n; i++) {
                        a[i] = (byte) random.nextInt(128);
                        b[i] = (byte) random.nextInt(128);
                    }
                }
                assertEquals(scalar.dot(a, b), simd.dot(a, b), "dot n=" + n + " trial " + trial);
                assertEquals(scalar.squareDistance(a, b), simd.squareDistance(a, b), "l2 n=" + n + " trial " + trial);
            }
        }
    }

    @Test
    void fourRowDotsOfBufferedRowsEqualTheArrayDots() {
        Random random = new Random(13);
        for (int n : SIZES) {
            // rows at odd offsets in two buffers (one direct, as a mapped file is), the query on the heap
            int stride = n + 5;
            ByteBuffer direct = ByteBuffer.allocateDirect(3 + 3 * stride);
            ByteBuffer heap = ByteBuffer.allocate(7 + stride);
            byte[][] rows = new byte[4][n];
            byte[] q = new byte[n];
            random.nextBytes(q);
            int[] offsets = {3, 3 + stride, 7, 3 + 2 * stride};
            ByteBuffer[] buffers = {direct, direct, heap, direct};
            for (int r = 0; r < 4; r++) {
                random.nextBytes(rows[r]);
                if (r == 3) {
                    java.util.Arrays.fill(rows[r], Byte.MIN_VALUE);
                    java.util.Arrays.fill(q, 0, n / 2, Byte.MIN_VALUE);
                }
                for (int i = 0; i < n; i++) {
                    buffers[r].put(offsets[r] + i, rows[r][i]);
                }
            }
            for (GraphKernels k : new GraphKernels[] {scalar, simd}) {
                int[] out = new int[4];
                k.dot4(q, buffers[0], offsets[0], buffers[1], offsets[1], buffers[2], offsets[2], buffers[3],
                        offsets[3], out);
                for (int r = 0; r < 4; r++) {
                    assertEquals(scalar.dot(q, rows[r]), out[r], k.name() + " n=" + n + " row " + r);
                }
            }
        }
    }

    @Test
    void floatsAgreeWithinRounding() {
        Random random = new Random(12);
        for (int n : SIZES) {
            for (int trial = 0; trial < 20; trial++) {
                float[] a = new float[n];
                float[] b = new float[n];
                double scale = Math.pow(10, random.nextInt(7) - 3);
                for (int i = 0; i < n; i++) {
                    a[i] = (float) (random.nextGaussian() * scale);
                    b[i] = (float) (random.nextGaussian() * scale);
                }
                double dotTerms = 0;
                double l2Terms = 0;
                double exactDot = 0;
                double exactL2 = 0;
                for (int i = 0; i < n; i++) {
                    dotTerms += Math.abs((double) a[i] * b[i]);
                    exactDot += (double) a[i] * b[i];
                    double d = (double) a[i] - b[i];
                    l2Terms += d * d;
                    exactL2 += d * d;
                }
                // each float sum of n terms is within n * 2^-23 of the terms' magnitude from the exact one
                double dotTolerance = n * 0x1p-23 * dotTerms;
                double l2Tolerance = (n + 2) * 0x1p-23 * l2Terms;
                assertEquals(exactDot, scalar.dot(a, b), dotTolerance, "scalar dot n=" + n);
                assertEquals(exactDot, simd.dot(a, b), dotTolerance, "simd dot n=" + n);
                assertEquals(exactL2, scalar.squareDistance(a, b), l2Tolerance, "scalar l2 n=" + n);
                assertEquals(exactL2, simd.squareDistance(a, b), l2Tolerance, "simd l2 n=" + n);
            }
        }
    }
}
