package org.convnetplayground.vectors;

import java.nio.ByteBuffer;

/**
 * The similarity sums an approximate index computes millions of times while it builds and searches its graph: dot
 * products and squared distances of whole float32 vectors, accumulated in float as Lucene's vector similarities are
 * (for ranking candidates, not for reporting distances), and the same sums of int8 vectors (Lucene's 7-bit
 * scalar-quantized vectors, byte vectors), exact in int. Both arrays have the same length; no offsets, because the
 * graph's vectors arrive as whole arrays.
 *
 * <p>{@link #scalar()} is the reference: plain loops, one float accumulator for floats. The SIMD implementation sums
 * floats in several lanes (results close to the reference, relative error growing with the length) and ints exactly
 * (equal to the reference whenever the exact sum fits an int, as it does for any bytes up to 33,000 values).
 */
public interface GraphKernels {

    /** Short name for logs and benchmarks, e.g. {@code "scalar"} or {@code "simd-512"}. */
    String name();

    /** {@code sum a_i * b_i} in float. */
    float dot(float[] a, float[] b);

    /** {@code sum (a_i - b_i)^2} in float. */
    float squareDistance(float[] a, float[] b);

    /** {@code sum a_i * b_i}, exact. */
    int dot(byte[] a, byte[] b);

    /** {@code sum (a_i - b_i)^2}, exact. */
    int squareDistance(byte[] a, byte[] b);

    /**
     * The exact int8 dot products of {@code q} with four rows of {@code q.length} bytes each, row {@code j} read from
     * buffer {@code bj} at absolute index {@code oj} (memory-mapped rows, not copied), into {@code out[0..3]}. Four
     * at once so that the rows' memory reads are in flight together: a graph walk scores its neighbours this way.
     */
    void dot4(byte[] q, ByteBuffer b0, int o0, ByteBuffer b1, int o1, ByteBuffer b2, int o2, ByteBuffer b3, int o3,
              int[] out);

    /** The plain-loop reference. */
    static GraphKernels scalar() {
        return ScalarGraphKernels.INSTANCE;
    }

    /**
     * SIMD when the {@code jdk.incubator.vector} module is in the boot layer and {@code cnp.vectors.simd} is not
     * {@code false} (as {@link VectorKernels#best()}), else {@link #scalar()}; the SIMD class is loaded reflectively,
     * so nothing is thrown when the module is absent.
     */
    static GraphKernels best() {
        return SimdClasses.instanceOr("SimdGraphKernels", GraphKernels.class, ScalarGraphKernels.INSTANCE);
    }
}
