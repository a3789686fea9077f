package org.convnetplayground.vectors;

import java.nio.ByteBuffer;

/**
 * The hot inner loops of a scan over {@link MappedVectors}: a query held in a {@code float[]} against a row read in
 * place from a little-endian buffer, so that a full scan streams the mapped file once without copying rows. Only
 * the sums cosine, correlation and (squared) euclidean need have them here; the other metrics copy the row and use
 * {@link VectorKernels}.
 *
 * <p>Like {@link VectorKernels}, the SIMD implementation accumulates in float lanes (for ranking, not reporting);
 * the scalar one widens to double and sums left to right.
 */
public interface BufferKernels {

    /** Short name for logs and benchmarks. */
    String name();

    /** {@code sum q_i * row_i}, the row being {@code len} floats at byte {@code off} of {@code b}. */
    double dot(float[] q, ByteBuffer b, int off, int len);

    /**
     * {@link #dot} of {@code q} with four rows at once (row {@code j}: {@code len} floats at byte {@code oj} of
     * {@code bj}) into {@code out[0..3]}, so that the four rows' memory reads overlap: an approximate index's
     * candidates are scattered over the file. The sums may round differently from {@link #dot}'s.
     */
    void dot4(float[] q, ByteBuffer b0, int o0, ByteBuffer b1, int o1, ByteBuffer b2, int o2, ByteBuffer b3, int o3,
              int len, double[] out);

    /** {@code sum (q_i - row_i)^2}. */
    double squaredL2(float[] q, ByteBuffer b, int off, int len);

    /** The double-accumulating reference. */
    static BufferKernels scalar() {
        return ScalarBufferKernels.INSTANCE;
    }

    /**
     * SIMD when the {@code jdk.incubator.vector} module is in the boot layer and {@code cnp.vectors.simd} is not
     * {@code false} (as {@link VectorKernels#best()}), else {@link #scalar()}.
     */
    static BufferKernels best() {
        return SimdClasses.instanceOr("SimdBufferKernels", BufferKernels.class, ScalarBufferKernels.INSTANCE);
    }
}
