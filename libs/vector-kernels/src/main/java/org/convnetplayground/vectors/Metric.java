package org.convnetplayground.vectors;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The distances the search service offers, named and defined exactly as in SciPy's
 * {@code scipy.spatial.distance.cdist} so that rankings computed here agree with the Python
 * notebooks the features were explored in.
 *
 * <p>{@link #distance(float[], float[], double)} is the reference: the float32 inputs are widened
 * to float64 and accumulated left to right in double, as SciPy does. Degenerate denominators give
 * what SciPy gives: {@code NaN} for cosine/correlation when a (centred) norm is zero, {@code NaN}
 * for bray-curtis 0/0 and {@code +Infinity} for bray-curtis x/0 (that is, when {@code u == -v}).
 */
public enum Metric {
    COSINE("cosine", "1 - u.v / (||u||_2 * ||v||_2)"),
    EUCLIDEAN("euclidean", "sqrt(sum_i (u_i - v_i)^2)"),
    SQEUCLIDEAN("sqeuclidean", "sum_i (u_i - v_i)^2"),
    MINKOWSKI("minkowski", "(sum_i |u_i - v_i|^p)^(1/p), p >= 1 (default 3)"),
    CITYBLOCK("cityblock", "sum_i |u_i - v_i|"),
    CHEBYSHEV("chebyshev", "max_i |u_i - v_i|"),
    CORRELATION("correlation", "1 - (u - mean(u)).(v - mean(v)) / (||u - mean(u)||_2 * ||v - mean(v)||_2)"),
    CANBERRA("canberra", "sum_i |u_i - v_i| / (|u_i| + |v_i|), terms with 0/0 count as 0"),
    BRAYCURTIS("braycurtis", "sum_i |u_i - v_i| / sum_i |u_i + v_i|");

    private static final List<String> NAMES =
            Arrays.stream(values()).map(Metric::id).toList();

    private final String id;
    private final String formula;

    Metric(String id, String formula) {
        this.id = id;
        this.formula = formula;
    }

    /** SciPy's canonical name, e.g. {@code "cityblock"}. */
    public String id() {
        return id;
    }

    /** One-line human description of the distance, for API docs. */
    public String formula() {
        return formula;
    }

    /**
     * Looks a metric up by its SciPy name, case-insensitively; also accepts {@code "manhattan"}
     * for {@link #CITYBLOCK}. Empty for unknown or null names.
     */
    public static Optional<Metric> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.equals("manhattan")) {
            return Optional.of(CITYBLOCK);
        }
        for (Metric m : values()) {
            if (m.id.equals(key)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Canonical SciPy names in declaration order, without aliases. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * Reference distance between {@code u} and {@code v}, accumulated in double exactly as SciPy.
     *
     * @param p Minkowski exponent; ignored by every other metric, and for {@link #MINKOWSKI} it
     *          must be finite and {@code >= 1}
     * @throws IllegalArgumentException if the lengths differ or p is invalid for MINKOWSKI
     */
    public double distance(float[] u, float[] v, double p) {
        if (u.length != v.length) {
            throw new IllegalArgumentException(
                    "u has dimension " + u.length + ", v has " + v.length);
        }
        int n = u.length;
        ScalarKernels k = ScalarKernels.INSTANCE;
        return switch (this) {
            case COSINE -> cosineFromDot(k.dot(u, 0, v, 0, n),
                    Math.sqrt(k.dot(u, 0, u, 0, n)), Math.sqrt(k.dot(v, 0, v, 0, n)));
            case EUCLIDEAN -> Math.sqrt(k.squaredL2(u, 0, v, 0, n));
            case SQEUCLIDEAN -> k.squaredL2(u, 0, v, 0, n);
            case MINKOWSKI -> minkowski(u, 0, v, 0, n, MetricParams.requireValidP(p));
            case CITYBLOCK -> k.l1(u, 0, v, 0, n);
            case CHEBYSHEV -> k.lInf(u, 0, v, 0, n);
            case CORRELATION -> {
                double mu = ScalarKernels.mean(u, 0, n);
                double mv = ScalarKernels.mean(v, 0, n);
                yield cosineFromDot(ScalarKernels.centredDot(u, 0, mu, v, 0, mv, n),
                        Math.sqrt(ScalarKernels.centredDot(u, 0, mu, u, 0, mu, n)),
                        Math.sqrt(ScalarKernels.centredDot(v, 0, mv, v, 0, mv, n)));
            }
            case CANBERRA -> k.canberra(u, 0, v, 0, n);
            case BRAYCURTIS -> k.brayCurtis(u, 0, v, 0, n);
        };
    }

    /**
     * SciPy's cosine step: the cosine is clipped to [-1, 1] to absorb rounding, so the distance is
     * always in [0, 2]; a zero norm gives NaN.
     */
    static double cosineFromDot(double dot, double normU, double normV) {
        double cosine = dot / (normU * normV);
        if (Math.abs(cosine) > 1.0) {
            cosine = Math.copySign(1.0, cosine);
        }
        return 1.0 - cosine;
    }

    /**
     * SciPy's minkowski: p = 1 and p = 2 are delegated to cityblock and euclidean. Where SciPy's
     * power sum overflows or underflows (large p, huge or tiny differences) and it answers infinity
     * or 0, this is the true, finite distance (see {@link VectorKernels#minkowski}).
     */
    static double minkowski(float[] u, int uOff, float[] v, int vOff, int len, double p) {
        return ScalarKernels.INSTANCE.minkowski(u, uOff, v, vOff, len, p);
    }
}
