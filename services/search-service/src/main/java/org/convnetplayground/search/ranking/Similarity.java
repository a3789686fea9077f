package org.convnetplayground.search.ranking;

import java.util.Random;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.vectors.Metric;

/**
 * Turns a distance into a similarity percentage: 100 for an identical vector, never increasing as the distance
 * grows. Bounded metrics map their range directly; unbounded ones are scaled by the collection's typical distance,
 * so that two images as far apart as a typical pair of the collection score 50%.
 */
public final class Similarity {

    /** Pairs sampled to estimate a collection's typical distance. */
    static final int SAMPLE_PAIRS = 2000;

    private Similarity() {
    }

    /** How each metric's distance becomes a percentage, for the API description. */
    public static String rule(Metric metric) {
        return switch (metric) {
            case COSINE -> "100 * max(0, 1 - d): the cosine similarity, negative values shown as 0";
            case CORRELATION -> "100 * max(0, 1 - d): the Pearson correlation, negative values shown as 0";
            case BRAYCURTIS -> "100 * max(0, 1 - d) (d is in [0, 1] for non-negative vectors)";
            case CANBERRA -> "100 * (1 - d / n), n = the vector dimension (d is in [0, n])";
            default -> "100 * 2^(-d / m), m = the median " + metric.id()
                    + " distance between pairs of items of the collection: a typical pair scores 50%";
        };
    }

    /**
     * The percentage for distance {@code d}; {@code scale} is {@link #typicalDistance} for unbounded metrics.
     * NaN distances (undefined, as SciPy defines them) score 0.
     */
    public static double percent(Metric metric, double d, int dimension, double scale) {
        if (Double.isNaN(d)) {
            return 0;
        }
        double s = switch (metric) {
            case COSINE, CORRELATION, BRAYCURTIS -> Math.max(0, 1 - d);
            case CANBERRA -> Math.max(0, 1 - d / dimension);
            default -> scale > 0 ? Math.pow(2, -d / scale) : (d == 0 ? 1 : 0);
        };
        return 100 * Math.min(1, Math.max(0, s));
    }

    /** Whether percentages of this metric depend on the collection's typical distance. */
    public static boolean needsScale(Metric metric) {
        return switch (metric) {
            case COSINE, CORRELATION, BRAYCURTIS, CANBERRA -> false;
            default -> true;
        };
    }

    /** The median distance over a fixed pseudo-random sample of item pairs (same sample every time). */
    public static double typicalDistance(VectorCollection c, Metric metric, double p) {
        int n = c.vectors().size();
        if (n < 2) {
            return 0;
        }
        Random random = new Random(42);
        int pairs = Math.min(SAMPLE_PAIRS, n * (n - 1) / 2);
        double[] d = new double[pairs];
        int filled = 0;
        for (int i = 0; i < pairs; i++) {
            int a = random.nextInt(n);
            int b = random.nextInt(n - 1);
            if (b >= a) {
                b++;
            }
            double v = metric.distance(c.vectors().row(a), c.vectors().row(b), p);
            if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                d[filled++] = v;
            }
        }
        if (filled == 0) {
            return 0;
        }
        java.util.Arrays.sort(d, 0, filled);
        return filled % 2 == 1 ? d[filled / 2] : (d[filled / 2 - 1] + d[filled / 2]) / 2;
    }
}
