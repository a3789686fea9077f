package org.convnetplayground.vectors;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the platform's preferred float SIMD width ({@code jdk.incubator.vector}), for the
 * ranking pass of a full scan. Lanes accumulate in float, so results carry a relative error that
 * grows with the length; {@link ExactSearch} recomputes reported distances with the scalar
 * reference. Only ever loaded reflectively by {@link VectorKernels#best()}, because linking this
 * class fails when the incubator module is not in the boot layer.
 */
final class SimdKernels implements VectorKernels {
    static final SimdKernels INSTANCE = new SimdKernels();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Four independent accumulators hide the add latency; this is their combined stride. */
    private static final int L4 = 4 * L;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    /** Largest Minkowski exponent computed in lanes (d^8 is the largest factor built). */
    private static final double MAX_LANE_EXPONENT = 15.5;

    private SimdKernels() {}

    @Override
    public String name() {
        return "simd-" + S.vectorBitSize();
    }

    @Override
    public double dot(float[] a, int aOff, float[] b, int bOff, int len) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int end = len - L4; i <= end; i += L4) {
            s0 = load(a, aOff + i).fma(load(b, bOff + i), s0);
            s1 = load(a, aOff + i + L).fma(load(b, bOff + i + L), s1);
            s2 = load(a, aOff + i + 2 * L).fma(load(b, bOff + i + 2 * L), s2);
            s3 = load(a, aOff + i + 3 * L).fma(load(b, bOff + i + 3 * L), s3);
        }
        for (int end = len - L; i <= end; i += L) {
            s0 = load(a, aOff + i).fma(load(b, bOff + i), s0);
        }
        double s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += (double) a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public double squaredL2(float[] a, int aOff, float[] b, int bOff, int len) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int end = len - L4; i <= end; i += L4) {
            FloatVector d0 = load(a, aOff + i).sub(load(b, bOff + i));
            FloatVector d1 = load(a, aOff + i + L).sub(load(b, bOff + i + L));
            FloatVector d2 = load(a, aOff + i + 2 * L).sub(load(b, bOff + i + 2 * L));
            FloatVector d3 = load(a, aOff + i + 3 * L).sub(load(b, bOff + i + 3 * L));
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        for (int end = len - L; i <= end; i += L) {
            FloatVector d = load(a, aOff + i).sub(load(b, bOff + i));
            s0 = d.fma(d, s0);
        }
        double s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            double d = (double) a[aOff + i] - b[bOff + i];
            s += d * d;
        }
        return s;
    }

    @Override
    public double l1(float[] a, int aOff, float[] b, int bOff, int len) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int end = len - L4; i <= end; i += L4) {
            s0 = s0.add(load(a, aOff + i).sub(load(b, bOff + i)).abs());
            s1 = s1.add(load(a, aOff + i + L).sub(load(b, bOff + i + L)).abs());
            s2 = s2.add(load(a, aOff + i + 2 * L).sub(load(b, bOff + i + 2 * L)).abs());
            s3 = s3.add(load(a, aOff + i + 3 * L).sub(load(b, bOff + i + 3 * L)).abs());
        }
        for (int end = len - L; i <= end; i += L) {
            s0 = s0.add(load(a, aOff + i).sub(load(b, bOff + i)).abs());
        }
        double s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += Math.abs((double) a[aOff + i] - b[bOff + i]);
        }
        return s;
    }

    @Override
    public double lInf(float[] a, int aOff, float[] b, int bOff, int len) {
        FloatVector m = FloatVector.zero(S);
        int i = 0;
        for (int end = len - L; i <= end; i += L) {
            m = m.max(load(a, aOff + i).sub(load(b, bOff + i)).abs());
        }
        double max = m.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) {
            max = Math.max(max, Math.abs((double) a[aOff + i] - b[bOff + i]));
        }
        return max;
    }

    /**
     * p = 3 (the product default) has its own loop; other integer and half-integer exponents up
     * to {@value #MAX_LANE_EXPONENT} are built in lanes from d, d^2, d^4, d^8 and sqrt(d); any
     * other p runs the scalar reference, because the incubator's lane-wise POW is not intrinsified
     * on every JDK and is then slower than scalar {@link Math#pow}. (The exponent is applied with
     * loop-invariant masks, not branches: a vector merged by control flow in the loop gets boxed.)
     */
    @Override
    public double minkowskiPowerSum(float[] a, int aOff, float[] b, int bOff, int len, double p) {
        if (p == 1.0) {
            return l1(a, aOff, b, bOff, len);
        }
        if (p == 2.0) {
            return squaredL2(a, aOff, b, bOff, len);
        }
        if (p == 3.0) {
            return cubeSum(a, aOff, b, bOff, len);
        }
        double twiceP = 2 * p;
        if (twiceP != Math.rint(twiceP) || p > MAX_LANE_EXPONENT) {
            return ScalarKernels.INSTANCE.minkowskiPowerSum(a, aOff, b, bOff, len, p);
        }
        int whole = (int) p;
        // Lanes where a factor is NOT part of the power are replaced by 1.
        VectorMask<Float> skip1 = S.maskAll((whole & 1) == 0);
        VectorMask<Float> skip2 = S.maskAll((whole & 2) == 0);
        VectorMask<Float> skip4 = S.maskAll((whole & 4) == 0);
        VectorMask<Float> skip8 = S.maskAll((whole & 8) == 0);
        VectorMask<Float> skipRoot = S.maskAll(p == whole);
        FloatVector s = FloatVector.zero(S);
        int i = 0;
        for (int end = len - L; i <= end; i += L) {
            FloatVector d = load(a, aOff + i).sub(load(b, bOff + i)).abs();
            FloatVector d2 = d.mul(d);
            FloatVector d4 = d2.mul(d2);
            FloatVector d8 = d4.mul(d4);
            FloatVector power = d.blend(ONE, skip1)
                    .mul(d2.blend(ONE, skip2))
                    .mul(d4.blend(ONE, skip4))
                    .mul(d8.blend(ONE, skip8))
                    .mul(d.sqrt().blend(ONE, skipRoot));
            s = s.add(power);
        }
        double sum = s.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            sum += Math.pow(Math.abs((double) a[aOff + i] - b[bOff + i]), p);
        }
        return sum;
    }

    private static double cubeSum(float[] a, int aOff, float[] b, int bOff, int len) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        int i = 0;
        for (int end = len - 2 * L; i <= end; i += 2 * L) {
            FloatVector d0 = load(a, aOff + i).sub(load(b, bOff + i)).abs();
            FloatVector d1 = load(a, aOff + i + L).sub(load(b, bOff + i + L)).abs();
            s0 = d0.mul(d0).fma(d0, s0);
            s1 = d1.mul(d1).fma(d1, s1);
        }
        for (int end = len - L; i <= end; i += L) {
            FloatVector d = load(a, aOff + i).sub(load(b, bOff + i)).abs();
            s0 = d.mul(d).fma(d, s0);
        }
        double sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            double d = Math.abs((double) a[aOff + i] - b[bOff + i]);
            sum += d * d * d;
        }
        return sum;
    }

    @Override
    public double canberra(float[] a, int aOff, float[] b, int bOff, int len) {
        FloatVector s = FloatVector.zero(S);
        int i = 0;
        for (int end = len - L; i <= end; i += L) {
            FloatVector x = load(a, aOff + i);
            FloatVector y = load(b, bOff + i);
            FloatVector den = x.abs().add(y.abs());
            // den == 0 only when x == y == 0, so dividing the zero numerator by 1 adds 0.
            VectorMask<Float> zero = den.compare(VectorOperators.EQ, 0f);
            s = s.add(x.sub(y).abs().div(den.blend(ONE, zero)));
        }
        double sum = s.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            double x = a[aOff + i];
            double y = b[bOff + i];
            double den = Math.abs(x) + Math.abs(y);
            if (den > 0.0) {
                sum += Math.abs(x - y) / den;
            }
        }
        return sum;
    }

    @Override
    public double brayCurtis(float[] a, int aOff, float[] b, int bOff, int len) {
        FloatVector num = FloatVector.zero(S);
        FloatVector den = num;
        int i = 0;
        for (int end = len - L; i <= end; i += L) {
            FloatVector x = load(a, aOff + i);
            FloatVector y = load(b, bOff + i);
            num = num.add(x.sub(y).abs());
            den = den.add(x.add(y).abs());
        }
        double n = num.reduceLanes(VectorOperators.ADD);
        double d = den.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            double x = a[aOff + i];
            double y = b[bOff + i];
            n += Math.abs(x - y);
            d += Math.abs(x + y);
        }
        return n / d;
    }

    private static FloatVector load(float[] array, int offset) {
        return FloatVector.fromArray(S, array, offset);
    }

    @Override
    public String toString() {
        return name();
    }
}
