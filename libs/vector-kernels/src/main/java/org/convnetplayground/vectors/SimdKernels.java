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
 *
 * <p><b>Range.</b> Float lanes overflow where squares, products or sums pass 3.4e38 (inputs
 * above about 1.8e19) and lose terms to underflow below 1.2e-38 (inputs below about 1e-19). Each
 * kernel computes directly first; a result that overflowed, or is so small that underflow may
 * have eaten part of it (below {@value #LOW_EXPONENT} as a power of two), is computed again on the
 * inputs multiplied by a power of two that brings their largest magnitude near 1 (an exact
 * multiplication), and the scale is undone in double. Ordinary vectors never take that path.
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
    /**
     * Sums of float terms at or above 2^-60 cannot have lost more than len * 2^-126 to underflow,
     * far below float precision for any length up to 2^40; smaller ones are computed again scaled.
     */
    private static final int LOW_EXPONENT = -60;
    private static final double LOW = 0x1p-60;

    private SimdKernels() {}

    @Override
    public String name() {
        return "simd-" + S.vectorBitSize();
    }

    /** A float lane sum that neither overflowed nor may have lost terms to underflow. */
    private static boolean inRange(double sum) {
        double m = Math.abs(sum);
        return m >= LOW && m < Double.POSITIVE_INFINITY;
    }

    /**
     * A power of two that brings {@code max} (a largest magnitude, not 0) near 1: exactly so for
     * normal floats, to 2^-22 for the smallest subnormals (2^127 is the largest float power of
     * two), so that every product of scaled values stays far from both ends of the float range.
     */
    private static float scaleFor(double max) {
        return Math.scalb(1f, Math.max(-126, Math.min(127, -Math.getExponent(max))));
    }

    @Override
    public double dot(float[] a, int aOff, float[] b, int bOff, int len) {
        double s = dot(a, aOff, 1f, b, bOff, 1f, len);
        if (inRange(s)) {
            return s;
        }
        // Each vector scaled on its own: a product is only as extreme as its two factors.
        double maxA = maxAbs(a, aOff, len);
        double maxB = maxAbs(b, bOff, len);
        if (maxA == 0 || maxB == 0) {
            return 0.0;
        }
        float sa = scaleFor(maxA);
        float sb = scaleFor(maxB);
        return dot(a, aOff, sa, b, bOff, sb, len) / ((double) sa * sb);
    }

    /** {@code sum (a_i * sa) * (b_i * sb)}; with scales of 1 the multiplications are skipped. */
    private static double dot(float[] a, int aOff, float sa, float[] b, int bOff, float sb, int len) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        if (sa == 1f && sb == 1f) {
            for (int end = len - L4; i <= end; i += L4) {
                s0 = load(a, aOff + i).fma(load(b, bOff + i), s0);
                s1 = load(a, aOff + i + L).fma(load(b, bOff + i + L), s1);
                s2 = load(a, aOff + i + 2 * L).fma(load(b, bOff + i + 2 * L), s2);
                s3 = load(a, aOff + i + 3 * L).fma(load(b, bOff + i + 3 * L), s3);
            }
            for (int end = len - L; i <= end; i += L) {
                s0 = load(a, aOff + i).fma(load(b, bOff + i), s0);
            }
        } else {
            for (int end = len - L; i <= end; i += L) {
                s0 = load(a, aOff + i).mul(sa).fma(load(b, bOff + i).mul(sb), s0);
            }
        }
        double s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += ((double) a[aOff + i] * sa) * ((double) b[bOff + i] * sb);
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
        if (inRange(s) || s == 0.0 && identical(a, aOff, b, bOff, len)) {
            return s;
        }
        float scale = commonScale(a, aOff, b, bOff, len);
        FloatVector acc = FloatVector.zero(S);
        i = 0;
        for (int end = len - L; i <= end; i += L) {
            FloatVector d = load(a, aOff + i).mul(scale).sub(load(b, bOff + i).mul(scale));
            acc = d.fma(d, acc);
        }
        double scaled = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            double d = (double) a[aOff + i] * scale - (double) b[bOff + i] * scale;
            scaled += d * d;
        }
        return scaled / ((double) scale * scale);
    }

    @Override
    public double l1(float[] a, int aOff, float[] b, int bOff, int len) {
        double s = l1(a, aOff, b, bOff, len, 1f);
        if (inRange(s) || s == 0.0 && identical(a, aOff, b, bOff, len)) {
            return s;
        }
        float scale = commonScale(a, aOff, b, bOff, len);
        return l1(a, aOff, b, bOff, len, scale) / scale;
    }

    private static double l1(float[] a, int aOff, float[] b, int bOff, int len, float scale) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        if (scale == 1f) {
            for (int end = len - L4; i <= end; i += L4) {
                s0 = s0.add(load(a, aOff + i).sub(load(b, bOff + i)).abs());
                s1 = s1.add(load(a, aOff + i + L).sub(load(b, bOff + i + L)).abs());
                s2 = s2.add(load(a, aOff + i + 2 * L).sub(load(b, bOff + i + 2 * L)).abs());
                s3 = s3.add(load(a, aOff + i + 3 * L).sub(load(b, bOff + i + 3 * L)).abs());
            }
        }
        for (int end = len - L; i <= end; i += L) {
            s0 = s0.add(load(a, aOff + i).mul(scale).sub(load(b, bOff + i).mul(scale)).abs());
        }
        double s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += Math.abs((double) a[aOff + i] * scale - (double) b[bOff + i] * scale);
        }
        return s;
    }

    @Override
    public double lInf(float[] a, int aOff, float[] b, int bOff, int len) {
        // A float difference of floats underflows exactly (no scaling needed for tiny values);
        // only |a_i - b_i| above Float.MAX_VALUE (opposite signs near it) overflows.
        double max = lInf(a, aOff, b, bOff, len, 1f);
        if (max < Double.POSITIVE_INFINITY) {
            return max;
        }
        return lInf(a, aOff, b, bOff, len, 0.5f) * 2;
    }

    private static double lInf(float[] a, int aOff, float[] b, int bOff, int len, float scale) {
        FloatVector m = FloatVector.zero(S);
        int i = 0;
        if (scale == 1f) {
            for (int end = len - L; i <= end; i += L) {
                m = m.max(load(a, aOff + i).sub(load(b, bOff + i)).abs());
            }
        } else {
            for (int end = len - L; i <= end; i += L) {
                m = m.max(load(a, aOff + i).mul(scale).sub(load(b, bOff + i).mul(scale)).abs());
            }
        }
        double max = m.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) {
            max = Math.max(max, Math.abs((double) a[aOff + i] * scale - (double) b[bOff + i] * scale));
        }
        return max;
    }

    /**
     * p = 3 (the product default) has its own loop; other integer and half-integer exponents up
     * to {@value #MAX_LANE_EXPONENT} are built in lanes from d, d^2, d^4, d^8 and sqrt(d); any
     * other p runs the scalar reference, because the incubator's lane-wise POW is not intrinsified
     * on every JDK and is then slower than scalar {@link Math#pow}. (The exponent is applied with
     * loop-invariant masks, not branches: a vector merged by control flow in the loop gets boxed.)
     * A lane sum out of float range is computed again by the scalar reference, in double (the
     * value asked for, the power sum itself, cannot be scaled back into float; {@link #minkowski}
     * scales the distance).
     */
    @Override
    public double minkowskiPowerSum(float[] a, int aOff, float[] b, int bOff, int len, double p) {
        if (p == 1.0) {
            return l1(a, aOff, b, bOff, len);
        }
        if (p == 2.0) {
            return squaredL2(a, aOff, b, bOff, len);
        }
        double twiceP = 2 * p;
        if (p != 3.0 && (twiceP != Math.rint(twiceP) || p > MAX_LANE_EXPONENT)) {
            return ScalarKernels.INSTANCE.minkowskiPowerSum(a, aOff, b, bOff, len, p);
        }
        double sum = p == 3.0 ? cubeSum(a, aOff, b, bOff, len) : powerSum(a, aOff, b, bOff, len, p);
        if (inRange(sum) || sum == 0.0 && identical(a, aOff, b, bOff, len)) {
            return sum;
        }
        return ScalarKernels.INSTANCE.minkowskiPowerSum(a, aOff, b, bOff, len, p);
    }

    private static double powerSum(float[] a, int aOff, float[] b, int bOff, int len, double p) {
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

    /**
     * Each term is scale-free, so nothing underflows that matters (subnormal differences and sums
     * are exact); only a denominator |x| + |y| above Float.MAX_VALUE overflows, which would turn
     * its term into 0 or NaN: such lanes are computed again on halved values.
     */
    @Override
    public double canberra(float[] a, int aOff, float[] b, int bOff, int len) {
        FloatVector s = FloatVector.zero(S);
        FloatVector largestDen = s;
        int i = 0;
        for (int end = len - L; i <= end; i += L) {
            FloatVector x = load(a, aOff + i);
            FloatVector y = load(b, bOff + i);
            FloatVector den = x.abs().add(y.abs());
            largestDen = largestDen.max(den);
            // den == 0 only when x == y == 0, so dividing the zero numerator by 1 adds 0.
            VectorMask<Float> zero = den.compare(VectorOperators.EQ, 0f);
            s = s.add(x.sub(y).abs().div(den.blend(ONE, zero)));
        }
        if (largestDen.reduceLanes(VectorOperators.MAX) == Float.POSITIVE_INFINITY) {
            s = FloatVector.zero(S);
            i = 0;
            for (int end = len - L; i <= end; i += L) {
                FloatVector x = load(a, aOff + i);
                FloatVector y = load(b, bOff + i);
                // Halve only the lanes that overflow: halving subnormals would round them away.
                VectorMask<Float> huge = x.abs().add(y.abs()).test(VectorOperators.IS_INFINITE);
                x = x.blend(x.mul(0.5f), huge);
                y = y.blend(y.mul(0.5f), huge);
                FloatVector den = x.abs().add(y.abs());
                VectorMask<Float> zero = den.compare(VectorOperators.EQ, 0f);
                s = s.add(x.sub(y).abs().div(den.blend(ONE, zero)));
            }
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

    /**
     * A ratio, so scaling both sums changes nothing: when either overflowed they are summed again
     * on scaled inputs. A sum of 0 is exact (the terms are, and so is adding them), so 0/0 = NaN
     * and x/0 = infinity stay SciPy's answers.
     */
    @Override
    public double brayCurtis(float[] a, int aOff, float[] b, int bOff, int len) {
        double[] sums = brayCurtisSums(a, aOff, b, bOff, len, 1f);
        if (sums[0] == Double.POSITIVE_INFINITY || sums[1] == Double.POSITIVE_INFINITY) {
            sums = brayCurtisSums(a, aOff, b, bOff, len, commonScale(a, aOff, b, bOff, len));
        }
        return sums[0] / sums[1];
    }

    private static double[] brayCurtisSums(float[] a, int aOff, float[] b, int bOff, int len, float scale) {
        FloatVector num = FloatVector.zero(S);
        FloatVector den = num;
        int i = 0;
        if (scale == 1f) {
            for (int end = len - L; i <= end; i += L) {
                FloatVector x = load(a, aOff + i);
                FloatVector y = load(b, bOff + i);
                num = num.add(x.sub(y).abs());
                den = den.add(x.add(y).abs());
            }
        } else {
            for (int end = len - L; i <= end; i += L) {
                FloatVector x = load(a, aOff + i).mul(scale);
                FloatVector y = load(b, bOff + i).mul(scale);
                num = num.add(x.sub(y).abs());
                den = den.add(x.add(y).abs());
            }
        }
        double n = num.reduceLanes(VectorOperators.ADD);
        double d = den.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            double x = (double) a[aOff + i] * scale;
            double y = (double) b[bOff + i] * scale;
            n += Math.abs(x - y);
            d += Math.abs(x + y);
        }
        return new double[] {n, d};
    }

    /** The scale for both vectors together, from the larger of their largest magnitudes. */
    private static float commonScale(float[] a, int aOff, float[] b, int bOff, int len) {
        double max = Math.max(maxAbs(a, aOff, len), maxAbs(b, bOff, len));
        return max == 0 ? 1f : scaleFor(max);
    }

    private static double maxAbs(float[] a, int aOff, int len) {
        FloatVector m = FloatVector.zero(S);
        int i = 0;
        for (int end = len - L; i <= end; i += L) {
            m = m.max(load(a, aOff + i).abs());
        }
        double max = m.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) {
            max = Math.max(max, Math.abs(a[aOff + i]));
        }
        return max;
    }

    /** Whether the ranges hold equal values, so that a difference-based sum of 0 is exact. */
    private static boolean identical(float[] a, int aOff, float[] b, int bOff, int len) {
        for (int i = 0; i < len; i++) {
            if (a[aOff + i] != b[bOff + i]) {
                return false;
            }
        }
        return true;
    }

    private static FloatVector load(float[] array, int offset) {
        return FloatVector.fromArray(S, array, offset);
    }

    @Override
    public String toString() {
        return name();
    }
}
