package org.convnetplayground.vectors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BufferKernels} on SIMD lanes, reading rows straight from the mapped buffer with
 * {@code FloatVector.fromByteBuffer}; four accumulators, as {@link SimdKernels}. Loaded only through
 * {@link BufferKernels#best()}, because linking it fails without the incubator module.
 */
final class SimdBufferKernels implements BufferKernels {
    static final SimdBufferKernels INSTANCE = new SimdBufferKernels();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int L4 = 4 * L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private SimdBufferKernels() {
    }

    @Override
    public String name() {
        return "simd-" + S.vectorBitSize();
    }

    @Override
    public double dot(float[] q, ByteBuffer b, int off, int len) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int end = len - L4; i <= end; i += L4) {
            int o = off + i * Float.BYTES;
            s0 = FloatVector.fromArray(S, q, i).fma(FloatVector.fromByteBuffer(S, b, o, LE), s0);
            s1 = FloatVector.fromArray(S, q, i + L).fma(FloatVector.fromByteBuffer(S, b, o + L * 4, LE), s1);
            s2 = FloatVector.fromArray(S, q, i + 2 * L).fma(FloatVector.fromByteBuffer(S, b, o + 2 * L * 4, LE), s2);
            s3 = FloatVector.fromArray(S, q, i + 3 * L).fma(FloatVector.fromByteBuffer(S, b, o + 3 * L * 4, LE), s3);
        }
        for (int end = len - L; i <= end; i += L) {
            s0 = FloatVector.fromArray(S, q, i).fma(FloatVector.fromByteBuffer(S, b, off + i * Float.BYTES, LE), s0);
        }
        double s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += (double) q[i] * b.getFloat(off + i * Float.BYTES);
        }
        return s;
    }

    @Override
    public void dot4(float[] q, ByteBuffer b0, int o0, ByteBuffer b1, int o1, ByteBuffer b2, int o2, ByteBuffer b3,
                     int o3, int len, double[] out) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int end = len - L; i <= end; i += L) {
            FloatVector x = FloatVector.fromArray(S, q, i);
            int o = i * Float.BYTES;
            s0 = x.fma(FloatVector.fromByteBuffer(S, b0, o0 + o, LE), s0);
            s1 = x.fma(FloatVector.fromByteBuffer(S, b1, o1 + o, LE), s1);
            s2 = x.fma(FloatVector.fromByteBuffer(S, b2, o2 + o, LE), s2);
            s3 = x.fma(FloatVector.fromByteBuffer(S, b3, o3 + o, LE), s3);
        }
        double r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
        double r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            int o = i * Float.BYTES;
            r0 += (double) q[i] * b0.getFloat(o0 + o);
            r1 += (double) q[i] * b1.getFloat(o1 + o);
            r2 += (double) q[i] * b2.getFloat(o2 + o);
            r3 += (double) q[i] * b3.getFloat(o3 + o);
        }
        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
        out[3] = r3;
    }

    @Override
    public double squaredL2(float[] q, ByteBuffer b, int off, int len) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int end = len - L4; i <= end; i += L4) {
            int o = off + i * Float.BYTES;
            FloatVector d0 = FloatVector.fromArray(S, q, i).sub(FloatVector.fromByteBuffer(S, b, o, LE));
            FloatVector d1 = FloatVector.fromArray(S, q, i + L).sub(FloatVector.fromByteBuffer(S, b, o + L * 4, LE));
            FloatVector d2 = FloatVector.fromArray(S, q, i + 2 * L)
                    .sub(FloatVector.fromByteBuffer(S, b, o + 2 * L * 4, LE));
            FloatVector d3 = FloatVector.fromArray(S, q, i + 3 * L)
                    .sub(FloatVector.fromByteBuffer(S, b, o + 3 * L * 4, LE));
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        for (int end = len - L; i <= end; i += L) {
            FloatVector d = FloatVector.fromArray(S, q, i).sub(FloatVector.fromByteBuffer(S, b, off + i * Float.BYTES, LE));
            s0 = d.fma(d, s0);
        }
        double s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            double d = (double) q[i] - b.getFloat(off + i * Float.BYTES);
            s += d * d;
        }
        return s;
    }

    @Override
    public String toString() {
        return name();
    }
}
