package org.convnetplayground.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Comparison of computed distances with SciPy's, shared by the metric and search tests. */
final class FixtureAssertions {
    /**
     * The product promises relative error below 1e-6; the reference actually sums like SciPy, so
     * we hold it to 1e-12, which would catch an accidental float accumulation.
     */
    static final double RELATIVE = 1e-12;
    /** For values that are rounding noise around 0 in SciPy (e.g. 2.2e-16 for correlation(u, u)). */
    static final double ABSOLUTE = 1e-14;

    private FixtureAssertions() {}

    static void assertScipyEquals(double expected, double actual, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        double err = Math.abs(actual - expected);
        assertTrue(err <= RELATIVE * Math.abs(expected) + ABSOLUTE,
                () -> what + ": expected " + expected + " (SciPy) but was " + actual);
    }

    static float[] flatten(float[][] rows) {
        int dim = rows[0].length;
        float[] out = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * dim, dim);
        }
        return out;
    }
}
