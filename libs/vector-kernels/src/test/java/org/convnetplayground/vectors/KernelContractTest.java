package org.convnetplayground.vectors;

import static org.convnetplayground.vectors.FixtureAssertions.assertScipyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link VectorKernels} implementation must meet, and {@link ExactSearch}
 * ranking with it. Subclasses supply the implementation and its float error per element.
 */
abstract class KernelContractTest {

    /** The implementation under test. */
    abstract VectorKernels kernels();

    /**
     * Allowed error per accumulated element, relative to the sum of the absolute terms: the
     * tolerance grows linearly with the length, as the worst-case rounding of a float sum does.
     */
    abstract double errorPerElement();

    /**
     * The smallest normal magnitude of the type the implementation accumulates in: below it, terms
     * lose precision to underflow. The error that may cause is bounded relative to the scale of
     * the inputs (their largest magnitudes), not to the result.
     */
    abstract double underflowFloor();

    // ---------------------------------------------------------------- kernels vs a naive reference

    private static final int A_OFF = 3;
    private static final int B_OFF = 1;

    /** Random vectors at odd offsets, half of the entries zeroed (ReLU-like, exercises canberra). */
    private static float[][] pair(int len, long seed) {
        Random random = new Random(seed);
        float[] a = new float[len + A_OFF + 2];
        float[] b = new float[len + B_OFF + 5];
        for (int i = 0; i < len; i++) {
            a[A_OFF + i] = random.nextBoolean() ? 0f : (float) (3 * random.nextGaussian());
            b[B_OFF + i] = random.nextInt(4) == 0 ? 0f : (float) (3 * random.nextGaussian());
        }
        // Guard cells hold garbage the kernels must not read.
        a[0] = b[0] = 1e30f;
        a[a.length - 1] = b[b.length - 1] = -1e30f;
        return new float[][] {a, b};
    }

    private double tolerance(int len, double sumOfAbsTerms) {
        return errorPerElement() * (len + 8) * sumOfAbsTerms + Double.MIN_NORMAL;
    }

    private static double x(float[][] ab, int i) {
        return ab[0][A_OFF + i];
    }

    private static double y(float[][] ab, int i) {
        return ab[1][B_OFF + i];
    }

    /** Lane-computed exponents (integers, half-integers) and others that fall back to Math.pow. */
    private static final double[] POWERS = {1.5, 2.5, 3, 4, 7, 15.5, 2.7, 16};

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 8, 13, 255, 256, 1000, 2048, 4097})
    void sumsMatchTheDoubleReference(int len) {
        float[][] ab = pair(len, len);
        float[] a = ab[0];
        float[] b = ab[1];
        VectorKernels k = kernels();
        double dot = 0, dotAbs = 0, sq = 0, l1 = 0, canberra = 0;
        double[] powerSums = new double[POWERS.length];
        double max = 0;
        for (int i = 0; i < len; i++) {
            double d = Math.abs(x(ab, i) - y(ab, i));
            dot += x(ab, i) * y(ab, i);
            dotAbs += Math.abs(x(ab, i) * y(ab, i));
            sq += d * d;
            l1 += d;
            max = Math.max(max, d);
            for (int j = 0; j < POWERS.length; j++) {
                powerSums[j] += Math.pow(d, POWERS[j]);
            }
            double den = Math.abs(x(ab, i)) + Math.abs(y(ab, i));
            canberra += den == 0 ? 0 : d / den;
        }
        assertEquals(dot, k.dot(a, A_OFF, b, B_OFF, len), tolerance(len, dotAbs), "dot");
        assertEquals(sq, k.squaredL2(a, A_OFF, b, B_OFF, len), tolerance(len, sq), "squaredL2");
        assertEquals(l1, k.l1(a, A_OFF, b, B_OFF, len), tolerance(len, l1), "l1");
        assertEquals(max, k.lInf(a, A_OFF, b, B_OFF, len), tolerance(1, max), "lInf");
        assertEquals(l1, k.minkowskiPowerSum(a, A_OFF, b, B_OFF, len, 1), tolerance(len, l1));
        assertEquals(sq, k.minkowskiPowerSum(a, A_OFF, b, B_OFF, len, 2), tolerance(len, sq));
        for (int j = 0; j < POWERS.length; j++) {
            double p = POWERS[j];
            // Each float rounding of |d| is amplified p times by the power.
            assertEquals(powerSums[j], k.minkowskiPowerSum(a, A_OFF, b, B_OFF, len, p),
                    (p + 1) * tolerance(len, powerSums[j]), "power sum p=" + p);
        }
        assertEquals(canberra, k.canberra(a, A_OFF, b, B_OFF, len),
                3 * tolerance(len, canberra), "canberra");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 8, 13, 255, 256, 1000, 2048, 4097})
    void brayCurtisMatchesTheDoubleReference(int len) {
        float[][] ab = pair(len, 31L * len);
        double num = 0, den = 0, abs = 0;
        for (int i = 0; i < len; i++) {
            num += Math.abs(x(ab, i) - y(ab, i));
            den += Math.abs(x(ab, i) + y(ab, i));
            abs += Math.abs(x(ab, i)) + Math.abs(y(ab, i));
        }
        double expected = num / den;
        double relative = errorPerElement() * (len + 8) * (abs / num + abs / den);
        double actual = kernels().brayCurtis(ab[0], A_OFF, ab[1], B_OFF, len);
        if (Double.isNaN(expected)) {
            assertEquals(expected, actual);
        } else {
            assertEquals(expected, actual, relative * expected + Double.MIN_NORMAL);
        }
    }

    @Test
    void emptyAndDegenerateInputs() {
        VectorKernels k = kernels();
        float[] zeros = new float[40];
        assertEquals(0.0, k.dot(zeros, 0, zeros, 0, 0));
        assertEquals(0.0, k.lInf(zeros, 0, zeros, 0, 0));
        assertEquals(0.0, k.canberra(zeros, 0, zeros, 0, 40));
        assertTrue(Double.isNaN(k.brayCurtis(zeros, 0, zeros, 0, 40)));
        float[] u = new float[40];
        float[] minusU = new float[40];
        for (int i = 0; i < 40; i++) {
            u[i] = i + 1;
            minusU[i] = -(i + 1);
        }
        assertEquals(Double.POSITIVE_INFINITY, k.brayCurtis(u, 0, minusU, 0, 40));
        assertEquals(40.0, k.canberra(u, 0, minusU, 0, 40), 40 * tolerance(40, 40));
    }

    @Test
    void readsOutsideTheGivenRangeFail() {
        float[] a = new float[64];
        assertThrows(IndexOutOfBoundsException.class, () -> kernels().dot(a, 60, a, 0, 16));
    }

    // ---------------------------------------------------------------------- ExactSearch ranking

    /**
     * 300 x 37 random rows plus: row 5 all zero (cosine NaN), row 6 constant (correlation NaN),
     * rows 40 and 41 copies of row 12 (exact ties), row 100 a scaled copy of the query.
     */
    private static VectorMatrix collection(float[] query) {
        Random random = new Random(42);
        int n = 300;
        int dim = query.length;
        float[] data = new float[n * dim];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.max(0, 2 * random.nextGaussian() + 0.5);
        }
        Arrays.fill(data, 5 * dim, 6 * dim, 0f);
        Arrays.fill(data, 6 * dim, 7 * dim, 1.5f);
        System.arraycopy(data, 12 * dim, data, 40 * dim, dim);
        System.arraycopy(data, 12 * dim, data, 41 * dim, dim);
        for (int j = 0; j < dim; j++) {
            data[100 * dim + j] = 2 * query[j];
        }
        return VectorMatrix.of(data, dim);
    }

    private static float[] query(int dim, long seed) {
        Random random = new Random(seed);
        float[] q = new float[dim];
        for (int j = 0; j < dim; j++) {
            q[j] = (float) Math.max(0, 2 * random.nextGaussian() + 0.5);
        }
        return q;
    }

    private ExactSearch search(VectorMatrix m) {
        return new ExactSearch(m, kernels());
    }

    /** The expected ranking: every allowed row, sorted by exact distance, NaN last, then row. */
    private static List<ScoredRow> fullSort(double[] distances, IntPredicate exclude) {
        List<ScoredRow> all = new ArrayList<>();
        for (int row = 0; row < distances.length; row++) {
            if (exclude == null || !exclude.test(row)) {
                all.add(new ScoredRow(row, distances[row]));
            }
        }
        all.sort(Comparator.comparingDouble((ScoredRow r) -> Double.isNaN(r.distance()) ? 1 : 0)
                .thenComparingDouble(ScoredRow::distance)
                .thenComparingInt(ScoredRow::row));
        return all;
    }

    private static final double P = 3.0;

    @ParameterizedTest
    @EnumSource(Metric.class)
    void topKEqualsAFullSortOfDistances(Metric metric) {
        float[] q = query(37, 1);
        ExactSearch search = search(collection(q));
        double[] distances = search.distances(q, metric, P);
        List<ScoredRow> expected = fullSort(distances, null);
        for (int k : new int[] {1, 10, 50}) {
            assertEquals(expected.subList(0, k), search.topK(q, metric, P, k, null),
                    metric + " k=" + k);
        }
        assertEquals(expected, search.topK(q, metric, P, 300, null), metric + " k=n");
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void distancesAreTheReferenceDistances(Metric metric) {
        float[] q = query(37, 2);
        VectorMatrix m = collection(q);
        double[] distances = search(m).distances(q, metric, 2.5);
        for (int row = 0; row < m.size(); row++) {
            // Bit-for-bit: the cached norms and means must not change a single rounding.
            assertEquals(metric.distance(q, m.row(row), 2.5), distances[row],
                    metric + " row " + row);
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void exclusionAndKBeyondSize(Metric metric) {
        float[] q = query(37, 3);
        ExactSearch search = search(collection(q));
        IntPredicate odd = row -> row % 2 == 1;
        List<ScoredRow> expected = fullSort(search.distances(q, metric, P), odd);
        List<ScoredRow> hits = search.topK(q, metric, P, 1_000, odd);
        assertEquals(150, hits.size());
        assertEquals(expected, hits);
        assertEquals(expected.subList(0, 7), search.topK(q, metric, P, 7, odd));
        assertTrue(search.topK(q, metric, P, 5, row -> true).isEmpty());
        assertTrue(search.topK(q, metric, P, 0, null).isEmpty());
    }

    @Test
    void nanRowsRankLastAndTiesGoByRowIndex() {
        float[] q = query(37, 4);
        ExactSearch search = search(collection(q));
        List<ScoredRow> cosine = search.topK(q, Metric.COSINE, P, 300, null);
        assertEquals(5, cosine.get(299).row()); // the zero row
        assertTrue(Double.isNaN(cosine.get(299).distance()));
        assertEquals(100, cosine.get(0).row()); // the scaled copy of the query
        assertEquals(0.0, cosine.get(0).distance());

        List<ScoredRow> correlation = search.topK(q, Metric.CORRELATION, P, 300, null);
        assertEquals(List.of(5, 6), correlation.subList(298, 300).stream()
                .map(ScoredRow::row).toList()); // zero and constant rows, NaN, by row index

        for (Metric metric : Metric.values()) {
            List<Integer> order = search.topK(q, metric, P, 300, null).stream()
                    .map(ScoredRow::row).toList();
            int at = order.indexOf(12);
            assertEquals(List.of(12, 40, 41), order.subList(at, at + 3), metric.id());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Metric.class, names = {"COSINE", "CORRELATION"})
    void degenerateRowsNeverCrowdOutRealHits(Metric metric) {
        // More NaN rows (zero rows for cosine, constant rows for correlation) than the re-rank
        // margin, so a ranking pass that scored them as numbers would return them.
        int dim = 37;
        int degenerate = 3 * ExactSearch.RERANK_MARGIN;
        float[] q = query(dim, 7);
        float[] data = new float[(degenerate + 3) * dim];
        for (int row = 0; row < degenerate; row++) {
            Arrays.fill(data, row * dim, (row + 1) * dim, metric == Metric.COSINE ? 0f : 1.7f);
        }
        for (int row = degenerate; row < degenerate + 3; row++) {
            System.arraycopy(query(dim, 100 + row), 0, data, row * dim, dim);
        }
        ExactSearch search = search(VectorMatrix.of(data, dim));
        List<ScoredRow> hits = search.topK(q, metric, P, 3, null);
        assertEquals(fullSort(search.distances(q, metric, P), null).subList(0, 3), hits);
        assertTrue(hits.stream().noneMatch(h -> Double.isNaN(h.distance())), hits::toString);
    }

    @Test
    void zeroQueryUnderCosineIsAllNanInRowOrder() {
        float[] q = new float[37];
        ExactSearch search = search(collection(query(37, 5)));
        List<ScoredRow> hits = search.topK(q, Metric.COSINE, P, 4, null);
        assertEquals(List.of(0, 1, 2, 3), hits.stream().map(ScoredRow::row).toList());
        assertTrue(hits.stream().allMatch(h -> Double.isNaN(h.distance())));
    }

    static Stream<Arguments> fixtureCases() {
        return MetricTest.fixtureCases();
    }

    @ParameterizedTest
    @MethodSource("fixtureCases")
    void searchMatchesScipyFixtures(ScipyFixtures.Fixture fixture, Metric metric) {
        ExactSearch search = search(VectorMatrix.of(
                FixtureAssertions.flatten(fixture.rows()), fixture.query().length));
        double[] expected = fixture.expected().get(metric);
        double[] distances = search.distances(fixture.query(), metric, fixture.p());
        List<ScoredRow> hits = search.topK(fixture.query(), metric, fixture.p(), 100, null);
        assertEquals(expected.length, hits.size());
        List<ScoredRow> expectedOrder = fullSort(expected, null);
        for (int i = 0; i < expected.length; i++) {
            assertScipyEquals(expected[i], distances[i], metric + " distances()[" + i + "]");
            assertEquals(expectedOrder.get(i).row(), hits.get(i).row(), metric + " hit " + i);
            assertScipyEquals(expectedOrder.get(i).distance(), hits.get(i).distance(),
                    metric + " hit " + i);
        }
    }

    @Test
    void tinyCaseHitOrder() {
        // Rows: [1,0,0] [0,1,0] [1,1,0] [0,0,0] [0,1,0] [2,2,2]; query [1, 0.5, 0].
        ScipyFixtures.Fixture f = ScipyFixtures.TINY;
        ExactSearch search = search(VectorMatrix.of(FixtureAssertions.flatten(f.rows()), 3));
        assertEquals(List.of(2, 0, 5, 1, 4, 3), rows(search.topK(f.query(), Metric.COSINE, 3, 6, null)));
        assertEquals(List.of(0, 2, 1, 3, 4, 5), rows(search.topK(f.query(), Metric.EUCLIDEAN, 3, 6, null)));
        assertEquals(List.of(0, 2, 1, 3, 4, 5), rows(search.topK(f.query(), Metric.CHEBYSHEV, 3, 6, null)));
        assertEquals(List.of(0, 2, 1, 4, 3, 5), rows(search.topK(f.query(), Metric.CORRELATION, 3, 6, null)));
        assertEquals(List.of(2, 0, 1, 4, 5, 3), rows(search.topK(f.query(), Metric.CANBERRA, 3, 6, null)));
        assertEquals(List.of(2, 0, 1, 4, 5, 3), rows(search.topK(f.query(), Metric.BRAYCURTIS, 3, 6, null)));
        assertEquals(List.of(new ScoredRow(0, 0.5), new ScoredRow(2, 0.5)),
                search.topK(f.query(), Metric.CITYBLOCK, 3, 2, null));
    }

    private static List<Integer> rows(List<ScoredRow> hits) {
        return hits.stream().map(ScoredRow::row).toList();
    }

    @Test
    void rejectsBadQueriesNamingTheBadValue() {
        ExactSearch search = search(VectorMatrix.of(new float[1280 * 2], 1280));
        var e = assertThrows(IllegalArgumentException.class,
                () -> search.topK(new float[12], Metric.COSINE, P, 3, null));
        assertEquals("query has dimension 12, collection has 1280", e.getMessage());
        float[] bad = new float[1280];
        bad[17] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class,
                () -> search.distances(bad, Metric.EUCLIDEAN, P));
        assertEquals("query value at col 17 is NaN; only finite values are allowed",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> search.topK(new float[1280], Metric.MINKOWSKI, 0.5, 3, null));
        assertEquals("minkowski p must be >= 1, got 0.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> search.topK(new float[1280], Metric.COSINE, P, -1, null));
        assertEquals("k must be >= 0, got -1", e.getMessage());
    }

    @Test
    void emptyCollection() {
        ExactSearch search = search(VectorMatrix.of(new float[0], 4));
        assertTrue(search.topK(new float[4], Metric.COSINE, P, 3, null).isEmpty());
        assertEquals(0, search.distances(new float[4], Metric.CORRELATION, P).length);
    }

    @Test
    void concurrentFirstQueriesShareOneConsistentCache() throws Exception {
        float[] q = query(37, 6);
        ExactSearch search = search(collection(q));
        List<ScoredRow> expected = new ExactSearch(collection(q), VectorKernels.scalar())
                .topK(q, Metric.CORRELATION, P, 20, null);
        List<List<ScoredRow>> results = IntStream.range(0, 8).parallel()
                .mapToObj(i -> search.topK(q, Metric.CORRELATION, P, 20, null)).toList();
        results.forEach(r -> assertEquals(expected, r));
        assertFalse(expected.isEmpty());
    }

    // ------------------------------------------------- huge, tiny and mixed magnitudes (issue 10)

    static Stream<Arguments> extremeCases() {
        return Arrays.stream(ScipyExtremeFixtures.SIZES).boxed().flatMap(size ->
                Arrays.stream(ScipyExtremeFixtures.Magnitude.values()).map(m -> Arguments.of(size, m)));
    }

    private double extremeTolerance(int len, double sumOfAbsTerms, double inputScale) {
        return errorPerElement() * (len + 8) * sumOfAbsTerms
                + underflowFloor() * (len + 8) * 4 * inputScale + Double.MIN_VALUE;
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /**
     * Every kernel on vectors from subnormal to Float.MAX_VALUE magnitudes agrees with sums done
     * naively in double (which cannot overflow or underflow on float32 inputs): float lanes must
     * neither overflow to infinity nor lose the result to underflow.
     */
    @ParameterizedTest
    @MethodSource("extremeCases")
    void extremeMagnitudesMatchTheDoubleReference(int len, ScipyExtremeFixtures.Magnitude magnitude) {
        float[][] vectors = ExtremeVectors.fixtureCase(len, magnitude);
        VectorKernels k = kernels();
        for (int r = 1; r < vectors.length; r++) {
            float[] a = vectors[0];
            float[] b = vectors[r];
            double maxA = maxAbs(a);
            double maxB = maxAbs(b);
            double both = Math.max(maxA, maxB);
            double dot = 0, dotAbs = 0, sq = 0, l1 = 0, max = 0, canberra = 0, num = 0, den = 0;
            for (int i = 0; i < len; i++) {
                double x = a[i];
                double y = b[i];
                double d = Math.abs(x - y);
                dot += x * y;
                dotAbs += Math.abs(x * y);
                sq += d * d;
                l1 += d;
                max = Math.max(max, d);
                canberra += Math.abs(x) + Math.abs(y) == 0 ? 0 : d / (Math.abs(x) + Math.abs(y));
                num += d;
                den += Math.abs(x + y);
            }
            String what = magnitude + " len " + len + " row " + r + ": ";
            assertEquals(dot, k.dot(a, 0, b, 0, len), extremeTolerance(len, dotAbs, maxA * maxB), what + "dot");
            assertEquals(sq, k.squaredL2(a, 0, b, 0, len), extremeTolerance(len, sq, both * both), what + "squaredL2");
            assertEquals(l1, k.l1(a, 0, b, 0, len), extremeTolerance(len, l1, both), what + "l1");
            assertEquals(max, k.lInf(a, 0, b, 0, len), extremeTolerance(1, max, both), what + "lInf");
            assertEquals(canberra, k.canberra(a, 0, b, 0, len), 3 * extremeTolerance(len, canberra, 0), what + "canberra");
            double bray = num / den;
            double actual = k.brayCurtis(a, 0, b, 0, len);
            if (Double.isNaN(bray) || Double.isInfinite(bray)) {
                assertEquals(bray, actual, what + "braycurtis");
            } else {
                assertEquals(bray, actual, 2 * errorPerElement() * (len + 8) * bray
                        + underflowFloor() * (len + 8) * 8 * both / den, what + "braycurtis");
            }
        }
    }

    /**
     * The Minkowski distance stays finite and right where its power sum overflows or underflows
     * double (p = 1000 on values near Float.MAX_VALUE, p = 15.5 on subnormals), checked against
     * sums of exact powers in BigDecimal.
     */
    @ParameterizedTest
    @MethodSource("extremeCases")
    void minkowskiIsFiniteAndRightAtEveryMagnitude(int len, ScipyExtremeFixtures.Magnitude magnitude) {
        float[][] vectors = ExtremeVectors.fixtureCase(len, magnitude);
        for (double p : new double[] {3, 7, 15.5, 1000}) {
            for (int r = 1; r < vectors.length; r++) {
                double expected = exactMinkowski(vectors[0], vectors[r], p);
                double actual = kernels().minkowski(vectors[0], 0, vectors[r], 0, len, p);
                assertTrue(Double.isFinite(actual), magnitude + " len " + len + " p " + p + ": " + actual);
                // float errors of the power sum shrink by p under the root
                double relative = Math.max(1e-13, 2 * errorPerElement() * (len + 8) * (p + 1) / p);
                assertEquals(expected, actual, relative * expected + Double.MIN_VALUE,
                        magnitude + " len " + len + " row " + r + " p " + p);
            }
        }
    }

    /**
     * (sum |u_i - v_i|^p)^(1/p) from exact powers: p an integer or a half-integer, the power sum
     * in BigDecimal (no range limit), its p-th root through its base-2 logarithm.
     */
    static double exactMinkowski(float[] u, float[] v, double p) {
        java.math.MathContext mc = new java.math.MathContext(40);
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        int whole = (int) p;
        boolean half = p != whole;
        for (int i = 0; i < u.length; i++) {
            java.math.BigDecimal d = new java.math.BigDecimal(Math.abs((double) u[i] - (double) v[i]));
            if (d.signum() == 0) {
                continue;
            }
            java.math.BigDecimal term = d.pow(whole, mc);
            if (half) {
                term = term.multiply(d.sqrt(mc), mc);
            }
            sum = sum.add(term, mc);
        }
        if (sum.signum() == 0) {
            return 0.0;
        }
        // log2(sum) = log2(unscaled) - scale * log2(10), the unscaled value's top 60 bits as a double
        java.math.BigInteger unscaled = sum.unscaledValue();
        int drop = Math.max(0, unscaled.bitLength() - 60);
        double log2 = Math.log(unscaled.shiftRight(drop).doubleValue()) / Math.log(2) + drop
                - sum.scale() * (Math.log(10) / Math.log(2));
        return Math.pow(2, log2 / p);
    }

    /** Distances of the search on extreme magnitudes are SciPy's, and so is the order of its hits. */
    @ParameterizedTest
    @MethodSource("extremeCases")
    void searchMatchesScipyAtExtremeMagnitudes(int len, ScipyExtremeFixtures.Magnitude magnitude) {
        float[][] vectors = ExtremeVectors.fixtureCase(len, magnitude);
        float[] query = vectors[0];
        float[][] rows = Arrays.copyOfRange(vectors, 1, vectors.length);
        ExactSearch search = search(VectorMatrix.of(FixtureAssertions.flatten(rows), len));
        for (Metric metric : Metric.values()) {
            double[] expected = ScipyExtremeFixtures.EXPECTED.get(magnitude).get(len).get(metric);
            double[] distances = search.distances(query, metric, magnitude.p);
            List<ScoredRow> hits = search.topK(query, metric, magnitude.p, rows.length, null);
            List<ScoredRow> expectedOrder = fullSort(expected, null);
            String what = metric + " " + magnitude + " len " + len;
            for (int i = 0; i < expected.length; i++) {
                assertRelative(expected[i], distances[i], what + " distances()[" + i + "]");
                assertEquals(expectedOrder.get(i).row(), hits.get(i).row(), what + " hit " + i);
                assertRelative(expectedOrder.get(i).distance(), hits.get(i).distance(), what + " hit " + i);
            }
        }
    }

    /**
     * Relative to SciPy only: values of 1e-38 must not pass by being close to 0. Cosine and
     * correlation distances are rounding noise around 0 for equal directions, hence 1e-14.
     */
    static void assertRelative(double expected, double actual, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        boolean dimensionless = what.startsWith("COSINE") || what.startsWith("CORRELATION");
        double err = Math.abs(actual - expected);
        assertTrue(err <= FixtureAssertions.RELATIVE * Math.abs(expected) + (dimensionless ? 1e-14 : 0),
                () -> what + ": expected " + expected + " (SciPy) but was " + actual);
    }

    /**
     * The ranking pass must find the true nearest rows at any magnitude: with tiny values, float
     * squares and products underflow to 0 and every row would tie; with huge ones they overflow.
     */
    @ParameterizedTest
    @ValueSource(floats = {1e-30f, 1e-41f, 1e30f, 1e36f})
    void topKFindsTheTrueNearestAtAnyMagnitude(float magnitude) {
        float[] q = query(37, 8);
        VectorMatrix unit = collection(q);
        float[] data = new float[unit.size() * unit.dim()];
        for (int row = 0; row < unit.size(); row++) {
            for (int j = 0; j < unit.dim(); j++) {
                data[row * unit.dim() + j] = unit.get(row, j) * magnitude;
            }
        }
        float[] scaledQuery = query(37, 9);
        for (int j = 0; j < scaledQuery.length; j++) {
            scaledQuery[j] *= magnitude;
        }
        ExactSearch search = search(VectorMatrix.of(data, unit.dim()));
        for (Metric metric : Metric.values()) {
            for (double p : metric == Metric.MINKOWSKI ? new double[] {3, 7, 2.7, 1000} : new double[] {P}) {
                List<ScoredRow> expected = fullSort(search.distances(scaledQuery, metric, p), null);
                assertTrue(expected.stream().allMatch(h -> !Double.isInfinite(h.distance())), metric + " p " + p);
                for (int k : new int[] {1, 10}) {
                    assertEquals(expected.subList(0, k), search.topK(scaledQuery, metric, p, k, null),
                            metric + " p " + p + " k " + k + " at magnitude " + magnitude);
                }
            }
        }
    }
}
