package org.convnetplayground.vectors;

/**
 * Parameters of a metric, validated once at the API boundary. Only Minkowski has one today.
 *
 * <p>SciPy accepts any {@code p > 0}; we require {@code p >= 1} so that the distance is a true
 * metric (the triangle inequality fails below 1), and default to {@code p = 3}, the product's
 * choice, not SciPy's 2 (that case is already served by {@link Metric#EUCLIDEAN}).
 *
 * @param p Minkowski exponent, finite and {@code >= 1}
 */
public record MetricParams(double p) {

    /** The product's default Minkowski exponent. */
    public static final double DEFAULT_P = 3.0;

    private static final MetricParams DEFAULTS = new MetricParams(DEFAULT_P);

    public MetricParams {
        requireValidP(p);
    }

    /** {@code p = 3}. */
    public static MetricParams defaults() {
        return DEFAULTS;
    }

    static double requireValidP(double p) {
        if (!Double.isFinite(p)) {
            throw new IllegalArgumentException("minkowski p must be finite, got " + p);
        }
        if (p < 1.0) {
            throw new IllegalArgumentException("minkowski p must be >= 1, got " + p);
        }
        return p;
    }
}
