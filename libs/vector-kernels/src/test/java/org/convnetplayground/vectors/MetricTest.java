package org.convnetplayground.vectors;

import static org.convnetplayground.vectors.FixtureAssertions.assertScipyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class MetricTest {

    @Test
    void namesAreScipysInDeclarationOrder() {
        assertEquals(List.of("cosine", "euclidean", "sqeuclidean", "minkowski", "cityblock",
                "chebyshev", "correlation", "canberra", "braycurtis"), Metric.names());
        for (Metric m : Metric.values()) {
            assertEquals(m.id(), Metric.names().get(m.ordinal()));
        }
    }

    @Test
    void byNameIsCaseInsensitiveAndKnowsManhattan() {
        assertEquals(Optional.of(Metric.COSINE), Metric.byName("cosine"));
        assertEquals(Optional.of(Metric.BRAYCURTIS), Metric.byName("BrayCurtis"));
        assertEquals(Optional.of(Metric.CITYBLOCK), Metric.byName("MANHATTAN"));
        assertEquals(Optional.of(Metric.CITYBLOCK), Metric.byName("cityblock"));
        assertEquals(Optional.empty(), Metric.byName("hamming"));
        assertEquals(Optional.empty(), Metric.byName(""));
        assertEquals(Optional.empty(), Metric.byName(null));
        assertFalse(Metric.names().contains("manhattan"));
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void everyMetricDescribesItself(Metric metric) {
        assertFalse(metric.formula().isBlank());
        assertFalse(metric.formula().contains("\n"));
    }

    @Test
    void tinyVectorsByHand() {
        float[] u = {1, 0, 0};
        float[] v = {0, 1, 0};
        float[] w = {3, 4, 0};
        assertEquals(1.0, Metric.COSINE.distance(u, v, 3));
        assertEquals(Math.sqrt(2), Metric.EUCLIDEAN.distance(u, v, 3));
        assertEquals(2.0, Metric.SQEUCLIDEAN.distance(u, v, 3));
        assertEquals(Math.cbrt(2), Metric.MINKOWSKI.distance(u, v, 3), 1e-15);
        assertEquals(2.0, Metric.CITYBLOCK.distance(u, v, 3));
        assertEquals(1.0, Metric.CHEBYSHEV.distance(u, v, 3));
        assertEquals(2.0, Metric.CANBERRA.distance(u, v, 3)); // 1 + 1 + (0/0 -> 0)
        assertEquals(1.0, Metric.BRAYCURTIS.distance(u, v, 3));
        assertEquals(5.0, Metric.EUCLIDEAN.distance(new float[3], w, 3));
        assertEquals(0.4, Metric.COSINE.distance(u, w, 3), 1e-15); // 1 - 3/5
    }

    static Stream<Arguments> fixtureCases() {
        return Stream.of(ScipyFixtures.TINY, ScipyFixtures.RANDOM_7, ScipyFixtures.RANDOM_13,
                        ScipyFixtures.EDGE, ScipyFixtures.ZERO_QUERY)
                .flatMap(f -> Stream.of(Metric.values()).map(m -> Arguments.of(f, m)));
    }

    @ParameterizedTest
    @MethodSource("fixtureCases")
    void referenceMatchesScipy(ScipyFixtures.Fixture fixture, Metric metric) {
        double[] expected = fixture.expected().get(metric);
        for (int i = 0; i < fixture.rows().length; i++) {
            assertScipyEquals(expected[i], metric.distance(fixture.query(), fixture.rows()[i],
                    fixture.p()), metric + " row " + i);
        }
    }

    @Test
    void cosineAndCorrelationAreClippedToZeroTwoLikeScipy() {
        java.util.Random random = new java.util.Random(7);
        for (int t = 0; t < 2000; t++) {
            float[] u = new float[7];
            float[] scaled = new float[7];
            float[] negated = new float[7];
            float s = 0.1f + 10 * random.nextFloat();
            for (int j = 0; j < 7; j++) {
                u[j] = (float) random.nextGaussian();
                scaled[j] = u[j] * s;
                negated[j] = -scaled[j];
            }
            for (Metric m : List.of(Metric.COSINE, Metric.CORRELATION)) {
                double near = m.distance(u, scaled, 0);
                double far = m.distance(u, negated, 0);
                assertTrue(near >= 0 && near < 1e-6, m + " parallel gave " + near);
                assertTrue(far <= 2 && far > 2 - 1e-6, m + " anti-parallel gave " + far);
            }
        }
    }

    @Test
    void minkowskiOneAndTwoAreCityblockAndEuclidean() {
        float[] u = {0.5f, -1.25f, 3f, 7f};
        float[] v = {2f, 0.75f, -1f, 7.5f};
        assertEquals(Metric.CITYBLOCK.distance(u, v, 0), Metric.MINKOWSKI.distance(u, v, 1));
        assertEquals(Metric.EUCLIDEAN.distance(u, v, 0), Metric.MINKOWSKI.distance(u, v, 2));
    }

    @Test
    void rejectsBadInputWithTheBadValue() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Metric.MINKOWSKI.distance(new float[2], new float[2], 0.5));
        assertEquals("minkowski p must be >= 1, got 0.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Metric.MINKOWSKI.distance(new float[2], new float[2], Double.NaN));
        assertEquals("minkowski p must be finite, got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Metric.COSINE.distance(new float[2], new float[3], 3));
        assertEquals("u has dimension 2, v has 3", e.getMessage());
        // p is not read by the other metrics.
        assertEquals(0.0, Metric.EUCLIDEAN.distance(new float[2], new float[2], -1));
    }

    @Test
    void metricParamsDefaultToThreeAndRejectBelowOne() {
        assertEquals(3.0, MetricParams.defaults().p());
        assertEquals(1.0, new MetricParams(1).p());
        var e = assertThrows(IllegalArgumentException.class, () -> new MetricParams(0.5));
        assertEquals("minkowski p must be >= 1, got 0.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new MetricParams(Double.POSITIVE_INFINITY));
        assertEquals("minkowski p must be finite, got Infinity", e.getMessage());
    }

    static Stream<Arguments> extremeCases() {
        return KernelContractTest.extremeCases();
    }

    /** The reference on huge, tiny and mixed magnitudes at the awkward sizes, against SciPy. */
    @ParameterizedTest
    @MethodSource("extremeCases")
    void referenceMatchesScipyAtExtremeMagnitudes(int size, ScipyExtremeFixtures.Magnitude magnitude) {
        float[][] vectors = ExtremeVectors.fixtureCase(size, magnitude);
        for (Metric metric : Metric.values()) {
            double[] expected = ScipyExtremeFixtures.EXPECTED.get(magnitude).get(size).get(metric);
            for (int r = 1; r < vectors.length; r++) {
                KernelContractTest.assertRelative(expected[r - 1], metric.distance(vectors[0], vectors[r], magnitude.p),
                        metric + " " + magnitude + " size " + size + " row " + (r - 1));
            }
        }
    }

    @Test
    void minkowskiOfAnyFiniteExponentIsFinite() {
        float[] u = {1, 2, 3};
        float[] zero = new float[3];
        // (1 + 2^p + 3^p)^(1/p) tends to the largest difference, chebyshev's 3
        assertEquals(3.0, Metric.MINKOWSKI.distance(u, zero, 1e308));
        assertEquals(3.0, Metric.MINKOWSKI.distance(u, zero, 1e6), 3e-6);
        float[] huge = {3.4e38f, -3.4e38f, 1e38f};
        double d = Metric.MINKOWSKI.distance(huge, zero, 1000);
        assertTrue(Double.isFinite(d), "p 1000 on 3.4e38: " + d);
        assertEquals(3.4e38f * Math.pow(2, 1e-3), d, 1e-12 * d);
        float[] tiny = {1e-45f, 0, 0};
        assertEquals(1e-45f, Metric.MINKOWSKI.distance(tiny, zero, 15.5), 0);
    }
}
