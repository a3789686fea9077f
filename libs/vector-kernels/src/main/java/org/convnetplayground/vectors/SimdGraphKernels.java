package org.convnetplayground.vectors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GraphKernels} on SIMD lanes. Floats: four accumulators of the preferred width, fused multiply-add. Bytes: a
 * quarter-width load of bytes widened to a full vector of ints ({@code B2I}), multiplied and summed in int lanes, two
 * accumulators; measured on Java 17 with AVX-512 at about 9 times the plain loop for 1,280 values (faster than
 * widening to shorts first, as Lucene's Panama code does on Java 21). Where the preferred width is below 256 bits the
 * byte sums stay plain loops. Loaded only through {@link GraphKernels#best()}, because linking it fails without the
 * incubator module.
 */
final class SimdGraphKernels implements GraphKernels {
    static final SimdGraphKernels INSTANCE = new SimdGraphKernels();

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int IL = I.length();
    /** Bytes of as many lanes as {@link #I}; null where that would be narrower than 64 bits. */
    private static final VectorSpecies<Byte> B = I.vectorBitSize() >= 256
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(I.vectorBitSize() / 4)) : null;

    private SimdGraphKernels() {
    }

    @Override
    public String name() {
        return "simd-" + F.vectorBitSize();
    }

    @Override
    public float dot(float[] a, float[] b) {
        ScalarGraphKernels.check(a.length, b.length);
        int len = a.length;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int end = len - 4 * FL; i <= end; i += 4 * FL) {
            s0 = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, b, i), s0);
            s1 = FloatVector.fromArray(F, a, i + FL).fma(FloatVector.fromArray(F, b, i + FL), s1);
            s2 = FloatVector.fromArray(F, a, i + 2 * FL).fma(FloatVector.fromArray(F, b, i + 2 * FL), s2);
            s3 = FloatVector.fromArray(F, a, i + 3 * FL).fma(FloatVector.fromArray(F, b, i + 3 * FL), s3);
        }
        for (int end = len - FL; i <= end; i += FL) {
            s0 = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, b, i), s0);
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s = Math.fma(a[i], b[i], s);
        }
        return s;
    }

    @Override
    public float squareDistance(float[] a, float[] b) {
        ScalarGraphKernels.check(a.length, b.length);
        int len = a.length;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int end = len - 4 * FL; i <= end; i += 4 * FL) {
            FloatVector d0 = FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i));
            FloatVector d1 = FloatVector.fromArray(F, a, i + FL).sub(FloatVector.fromArray(F, b, i + FL));
            FloatVector d2 = FloatVector.fromArray(F, a, i + 2 * FL).sub(FloatVector.fromArray(F, b, i + 2 * FL));
            FloatVector d3 = FloatVector.fromArray(F, a, i + 3 * FL).sub(FloatVector.fromArray(F, b, i + 3 * FL));
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        for (int end = len - FL; i <= end; i += FL) {
            FloatVector d = FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i));
            s0 = d.fma(d, s0);
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float d = a[i] - b[i];
            s = Math.fma(d, d, s);
        }
        return s;
    }

    @Override
    public int dot(byte[] a, byte[] b) {
        if (B == null) {
            return ScalarGraphKernels.INSTANCE.dot(a, b);
        }
        ScalarGraphKernels.check(a.length, b.length);
        int len = a.length;
        IntVector s0 = IntVector.zero(I), s1 = s0;
        int i = 0;
        for (int end = len - 2 * IL; i <= end; i += 2 * IL) {
            s0 = s0.add(ints(a, i).mul(ints(b, i)));
            s1 = s1.add(ints(a, i + IL).mul(ints(b, i + IL)));
        }
        for (int end = len - IL; i <= end; i += IL) {
            s0 = s0.add(ints(a, i).mul(ints(b, i)));
        }
        int s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public int squareDistance(byte[] a, byte[] b) {
        if (B == null) {
            return ScalarGraphKernels.INSTANCE.squareDistance(a, b);
        }
        ScalarGraphKernels.check(a.length, b.length);
        int len = a.length;
        IntVector s0 = IntVector.zero(I), s1 = s0;
        int i = 0;
        for (int end = len - 2 * IL; i <= end; i += 2 * IL) {
            IntVector d0 = ints(a, i).sub(ints(b, i));
            IntVector d1 = ints(a, i + IL).sub(ints(b, i + IL));
            s0 = s0.add(d0.mul(d0));
            s1 = s1.add(d1.mul(d1));
        }
        for (int end = len - IL; i <= end; i += IL) {
            IntVector d = ints(a, i).sub(ints(b, i));
            s0 = s0.add(d.mul(d));
        }
        int s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            int d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    @Override
    public void dot4(byte[] q, ByteBuffer b0, int o0, ByteBuffer b1, int o1, ByteBuffer b2, int o2, ByteBuffer b3,
                     int o3, int[] out) {
        if (B == null) {
            ScalarGraphKernels.INSTANCE.dot4(q, b0, o0, b1, o1, b2, o2, b3, o3, out);
            return;
        }
        int len = q.length;
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int end = len - IL; i <= end; i += IL) {
            IntVector x = ints(q, i);
            s0 = s0.add(x.mul(ints(b0, o0 + i)));
            s1 = s1.add(x.mul(ints(b1, o1 + i)));
            s2 = s2.add(x.mul(ints(b2, o2 + i)));
            s3 = s3.add(x.mul(ints(b3, o3 + i)));
        }
        int r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
        int r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            r0 += q[i] * b0.get(o0 + i);
            r1 += q[i] * b1.get(o1 + i);
            r2 += q[i] * b2.get(o2 + i);
            r3 += q[i] * b3.get(o3 + i);
        }
        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
        out[3] = r3;
    }

    /** {@code IL} bytes of a buffer from absolute index {@code offset}, sign-extended to int lanes. */
    private static IntVector ints(ByteBuffer v, int offset) {
        return (IntVector) ByteVector.fromByteBuffer(B, v, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2I, I, 0);
    }

    /** {@code IL} bytes from {@code offset}, sign-extended to int lanes. */
    private static IntVector ints(byte[] v, int offset) {
        return (IntVector) ByteVector.fromArray(B, v, offset).convertShape(VectorOperators.B2I, I, 0);
    }

    @Override
    public String toString() {
        return name();
    }
}
