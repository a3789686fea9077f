package org.convnetplayground.vectors;

/**
 * The reference kernels: every float is widened to double and sums run left to right, which is
 * what SciPy's C loops do on the float64 copy of float32 data, so results match it to the last
 * bit or close to it.
 */
final class ScalarKernels implements VectorKernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    /**
     * Minkowski power sums from here up are free of underflow to the precision of a double: terms
     * lost below {@code Double.MIN_NORMAL} (2^-1022) add at most 2^-90 of the sum even for 2^32 of
     * them. Below it, or at infinity, the distance is computed scaled.
     */
    static final double SAFE_POWER_SUM = 0x1p-900;

    private ScalarKernels() {}

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public double dot(float[] a, int aOff, float[] b, int bOff, int len) {
        double s = 0.0;
        for (int i = 0; i < len; i++) {
            s += (double) a[aOff + i] * (double) b[bOff + i];
        }
        return s;
    }

    @Override
    public double squaredL2(float[] a, int aOff, float[] b, int bOff, int len) {
        double s = 0.0;
        for (int i = 0; i < len; i++) {
            double d = (double) a[aOff + i] - (double) b[bOff + i];
            s += d * d;
        }
        return s;
    }

    @Override
    public double l1(float[] a, int aOff, float[] b, int bOff, int len) {
        double s = 0.0;
        for (int i = 0; i < len; i++) {
            s += Math.abs((double) a[aOff + i] - (double) b[bOff + i]);
        }
        return s;
    }

    @Override
    public double lInf(float[] a, int aOff, float[] b, int bOff, int len) {
        double max = 0.0;
        for (int i = 0; i < len; i++) {
            double d = Math.abs((double) a[aOff + i] - (double) b[bOff + i]);
            if (d > max) {
                max = d;
            }
        }
        return max;
    }

    @Override
    public double minkowskiPowerSum(float[] a, int aOff, float[] b, int bOff, int len, double p) {
        double s = 0.0;
        if (p == 3.0) {
            // The product's default p: Math.pow costs ~20x a multiply and the two roundings of
            // d * d * d stay within 2 ulp of it (SciPy's std::pow is itself not exact).
            for (int i = 0; i < len; i++) {
                double d = Math.abs((double) a[aOff + i] - (double) b[bOff + i]);
                s += d * d * d;
            }
            return s;
        }
        for (int i = 0; i < len; i++) {
            s += Math.pow(Math.abs((double) a[aOff + i] - (double) b[bOff + i]), p);
        }
        return s;
    }

    /**
     * {@code m * (sum (|a_i - b_i| / m)^p)^(1/p)}, m the largest {@code |a_i - b_i|}: every term is
     * at most 1 and the largest is 1, so the sum lies in [1, len] whatever p and the magnitudes.
     */
    static double scaledMinkowski(float[] a, int aOff, float[] b, int bOff, int len, double p) {
        double m = INSTANCE.lInf(a, aOff, b, bOff, len);
        if (m == 0.0) {
            return 0.0;
        }
        double s = 0.0;
        for (int i = 0; i < len; i++) {
            s += Math.pow(Math.abs((double) a[aOff + i] - (double) b[bOff + i]) / m, p);
        }
        return m * Math.pow(s, 1.0 / p);
    }

    @Override
    public double canberra(float[] a, int aOff, float[] b, int bOff, int len) {
        double s = 0.0;
        for (int i = 0; i < len; i++) {
            double x = a[aOff + i];
            double y = b[bOff + i];
            double den = Math.abs(x) + Math.abs(y);
            if (den > 0.0) {
                s += Math.abs(x - y) / den;
            }
        }
        return s;
    }

    @Override
    public double brayCurtis(float[] a, int aOff, float[] b, int bOff, int len) {
        double num = 0.0;
        double den = 0.0;
        for (int i = 0; i < len; i++) {
            double x = a[aOff + i];
            double y = b[bOff + i];
            num += Math.abs(x - y);
            den += Math.abs(x + y);
        }
        return num / den;
    }

    /** Row mean as SciPy's correlation computes it: a double sum divided by the length. */
    static double mean(float[] a, int aOff, int len) {
        double s = 0.0;
        for (int i = 0; i < len; i++) {
            s += a[aOff + i];
        }
        return s / len;
    }

    /** {@code sum (a_i - meanA) * (b_i - meanB)} with the centring done in double. */
    static double centredDot(float[] a, int aOff, double meanA, float[] b, int bOff, double meanB,
                             int len) {
        double s = 0.0;
        for (int i = 0; i < len; i++) {
            s += ((double) a[aOff + i] - meanA) * ((double) b[bOff + i] - meanB);
        }
        return s;
    }

    @Override
    public String toString() {
        return name();
    }
}
