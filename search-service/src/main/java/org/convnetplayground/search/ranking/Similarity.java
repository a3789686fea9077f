package org.convnetplayground.search.ranking;

import java.util.Random;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.vectors.Metric;

/**
 * Turns a distance into a similarity percentage: {@code 100 * 2^(-d / m)}, where m is the median distance between
 * two items of the collection under the same metric. An identical vector scores 100, a pair as far apart as a
 * typical pair of the collection scores 50, and the percentage never rises as the distance grows. One rule for
 * every metric keeps the bars informative whatever the layer: raw cosine similarities of mid-network layers, for
 * example, all sit near 99% and would make every bar look full.
 */
public final class Similarity {

    /** Pairs sampled to estimate a collection's typical distance. */
    static final int SAMPLE_PAIRS = 2000;

    private Similarity() {
    }

    /** How a metric's distance becomes a percentage, for the API description. */
    public static String rule(Metric metric) {
        return "100 * 2^(-d / m), m = the median " + metric.id()
                + " distance between two items of the collection: identical 100%, a typical pair 50%";
    }

    /**
     * The percentage for distance {@code d}, given the collection's {@link #typicalDistance}. NaN distances
     * (undefined, as SciPy defines them) score 0.
     */
    public static double percent(double d, double typical) {
        if (Double.isNaN(d)) {
            return 0;
        }
        if (d <= 0) {
            return 100;
        }
        return typical > 0 ? 100 * Math.pow(2, -d / typical) : 0;
    }

    /**
     * The median distance between two items: over every pair in small collections, else over a fixed pseudo-random
     * sample of pairs (the same sample every time).
     */
    public static double typicalDistance(VectorCollection c, Metric metric, double p) {
        int n = c.vectors().size();
        if (n < 2) {
            return 0;
        }
        long allPairs = (long) n * (n - 1) / 2;
        double[] d = new double[(int) Math.min(SAMPLE_PAIRS, allPairs)];
        int filled = 0;
        if (allPairs <= SAMPLE_PAIRS) {
            // small collections: every pair, exactly
            for (int a = 0; a < n; a++) {
                for (int b = a + 1; b < n; b++) {
                    double v = metric.distance(c.vectors().row(a), c.vectors().row(b), p);
                    if (Double.isFinite(v)) {
                        d[filled++] = v;
                    }
                }
            }
        } else {
            Random random = new Random(42);
            for (int i = 0; i < d.length; i++) {
                int a = random.nextInt(n);
                int b = random.nextInt(n - 1);
                if (b >= a) {
                    b++;
                }
                double v = metric.distance(c.vectors().row(a), c.vectors().row(b), p);
                if (Double.isFinite(v)) {
                    d[filled++] = v;
                }
            }
        }
        if (filled == 0) {
            return 0;
        }
        java.util.Arrays.sort(d, 0, filled);
        return filled % 2 == 1 ? d[filled / 2] : (d[filled / 2 - 1] + d[filled / 2]) / 2;
    }
}
