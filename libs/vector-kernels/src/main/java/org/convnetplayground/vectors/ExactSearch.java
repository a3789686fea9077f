package org.convnetplayground.vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * Exact brute-force nearest rows of one {@link VectorMatrix}: for collections of a few thousand
 * CNN feature vectors a single sequential scan is fast and needs no index to build or tune.
 *
 * <p>Each query is one pass over the matrix with the {@link VectorKernels} chosen at
 * construction. The per-row parts of cosine (norms) and correlation (means and centred norms) are
 * computed once, lazily, on first use, and shared by all threads.
 *
 * <p><b>Exactness.</b> Every distance this class returns is the SciPy-exact double value of
 * {@link Metric#distance(float[], float[], double)}; {@link #distances} computes it for every row.
 * {@link #topK} ranks with the fast kernels (with SIMD kernels, in float lanes), keeps the best
 * {@code k + }{@value #RERANK_MARGIN} candidates, recomputes their distances exactly, re-sorts and
 * returns the first {@code k}. Consequently the reported values and their order are exact, but
 * when more than {@value #RERANK_MARGIN} rows lie within the float ranking error of the k-th
 * distance (around 1e-6 of the distance scale at dimension 1,280, growing with the dimension),
 * which of those near-ties make the cut may differ from a full exact sort of {@link #distances}.
 * With the scalar kernels (no SIMD) ranking runs in double and this does not arise in practice.
 *
 * <p><b>Range.</b> Any finite float32 vectors give finite distances wherever the true distance is
 * finite, from subnormal to {@code Float.MAX_VALUE} magnitudes: the kernels rescale what would
 * overflow or underflow (see {@link VectorKernels}), and minkowski with a large p is the true
 * distance where SciPy's power sum overflows to infinity or underflows to 0.
 *
 * <p><b>Order.</b> Ascending distance, ties broken by ascending row index, NaN distances (e.g. a
 * zero row under cosine) after all numbers.
 *
 * <p>Instances are immutable apart from those caches and safe to share between threads.
 */
public final class ExactSearch {

    /** Extra candidates re-ranked exactly, to absorb float near-ties at the k boundary. */
    public static final int RERANK_MARGIN = 16;

    private final VectorMatrix matrix;
    private final VectorKernels kernels;
    private final Object lock = new Object();
    private volatile double[] rowNorms;
    private volatile CentredRows centredRows;

    /** Row means and norms of the mean-centred rows, for correlation. */
    private record CentredRows(double[] means, double[] norms) {}

    /** Searches {@code matrix} with {@link VectorKernels#best()}. */
    public ExactSearch(VectorMatrix matrix) {
        this(matrix, VectorKernels.best());
    }

    /** Searches {@code matrix} ranking with the given kernels (e.g. to compare implementations). */
    public ExactSearch(VectorMatrix matrix, VectorKernels kernels) {
        this.matrix = Objects.requireNonNull(matrix, "matrix");
        this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    public VectorMatrix matrix() {
        return matrix;
    }

    /** The kernels used for the ranking pass. */
    public VectorKernels kernels() {
        return kernels;
    }

    /**
     * The {@code k} rows nearest to {@code query}, nearest first (see the class doc for order and
     * exactness).
     *
     * @param p          Minkowski exponent, only read for {@link Metric#MINKOWSKI}
     * @param k          number of hits wanted, {@code >= 0}; may exceed the number of rows, in
     *                   which case every non-excluded row is returned
     * @param excludeRow rows for which it returns true are skipped; {@code null} excludes nothing
     * @throws IllegalArgumentException if the query has the wrong dimension or a non-finite value,
     *                                  {@code k < 0}, or p is invalid for MINKOWSKI
     */
    public List<ScoredRow> topK(float[] query, Metric metric, double p, int k,
                                IntPredicate excludeRow) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        PreparedQuery q = prepare(query, metric, p);
        if (k == 0 || matrix.size() == 0) {
            return List.of();
        }
        int capacity = (int) Math.min(matrix.size(), (long) k + RERANK_MARGIN);
        CandidateHeap heap = new CandidateHeap(capacity);
        for (int row = 0, n = matrix.size(); row < n; row++) {
            if (excludeRow != null && excludeRow.test(row)) {
                continue;
            }
            double score = q.rankingScore(row);
            if (heap.accepts(score, row)) {
                heap.add(score, row);
            }
        }
        int[] rows = heap.rows();
        ScoredRow[] hits = new ScoredRow[rows.length];
        for (int i = 0; i < rows.length; i++) {
            hits[i] = new ScoredRow(rows[i], q.exactDistance(rows[i]));
        }
        Arrays.sort(hits, (a, b) -> compare(a.distance(), a.row(), b.distance(), b.row()));
        List<ScoredRow> result = new ArrayList<>(Math.min(k, hits.length));
        for (int i = 0; i < hits.length && i < k; i++) {
            result.add(hits[i]);
        }
        return Collections.unmodifiableList(result);
    }

    /**
     * The exact distance from {@code query} to every row, indexed by row; the same values
     * {@link #topK} reports. Always computed with the scalar reference, so this costs more than
     * a SIMD {@code topK}; for cosine, correlation and (squared) euclidean four rows are summed
     * side by side, each still left to right, so the values stay bit for bit the reference's
     * while four independent sums keep the CPU's pipelines full (about 3x faster).
     *
     * @throws IllegalArgumentException as {@link #topK}
     */
    public double[] distances(float[] query, Metric metric, double p) {
        PreparedQuery q = prepare(query, metric, p);
        double[] out = new double[matrix.size()];
        int row = q.exactDistancesFourAtATime(out);
        for (; row < out.length; row++) {
            out[row] = q.exactDistance(row);
        }
        return out;
    }

    /**
     * The reference sums of one query with four rows held one after another in {@code data} from {@code offset}, in
     * double, each summed left to right exactly as {@link ScalarKernels} forms it for one row (so the distances
     * finished from them are bit for bit the one-row ones): the dot product (cosine), the centred dot product with
     * {@code qc} (the query minus its mean, in double) and the four rows' {@code rowMeans} (correlation), or the
     * squared L2 distance (euclidean, sqeuclidean). Four rows together keep four independent sums in flight.
     */
    static void referenceSums4(Metric metric, float[] query, double[] qc, double[] rowMeans, float[] data, int offset,
                               int dim, double[] sums) {
        int o0 = offset;
        int o1 = o0 + dim;
        int o2 = o1 + dim;
        int o3 = o2 + dim;
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        switch (metric) {
            case COSINE -> {
                for (int i = 0; i < dim; i++) {
                    double x = query[i];
                    s0 += x * (double) data[o0 + i];
                    s1 += x * (double) data[o1 + i];
                    s2 += x * (double) data[o2 + i];
                    s3 += x * (double) data[o3 + i];
                }
            }
            case CORRELATION -> {
                double m0 = rowMeans[0];
                double m1 = rowMeans[1];
                double m2 = rowMeans[2];
                double m3 = rowMeans[3];
                for (int i = 0; i < dim; i++) {
                    double x = qc[i];
                    s0 += x * ((double) data[o0 + i] - m0);
                    s1 += x * ((double) data[o1 + i] - m1);
                    s2 += x * ((double) data[o2 + i] - m2);
                    s3 += x * ((double) data[o3 + i] - m3);
                }
            }
            case EUCLIDEAN, SQEUCLIDEAN -> {
                for (int i = 0; i < dim; i++) {
                    double x = query[i];
                    double d0 = x - (double) data[o0 + i];
                    double d1 = x - (double) data[o1 + i];
                    double d2 = x - (double) data[o2 + i];
                    double d3 = x - (double) data[o3 + i];
                    s0 += d0 * d0;
                    s1 += d1 * d1;
                    s2 += d2 * d2;
                    s3 += d3 * d3;
                }
            }
            default -> throw new IllegalArgumentException("no four-row reference sums for " + metric);
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
    }

    /** Whether {@link #referenceSums4} serves {@code metric}. */
    static boolean hasReferenceSums4(Metric metric) {
        return metric == Metric.COSINE || metric == Metric.CORRELATION || metric == Metric.EUCLIDEAN
                || metric == Metric.SQEUCLIDEAN;
    }

    /** {@code q_i - mean} in double: the very values {@link ScalarKernels#centredDot} forms (correlation's sums). */
    static double[] centred(float[] query, double mean) {
        double[] qc = new double[query.length];
        for (int i = 0; i < qc.length; i++) {
            qc[i] = (double) query[i] - mean;
        }
        return qc;
    }

    /**
     * The distance from a row's {@link #referenceSums4} sum, as the one-row exact distance finishes it: {@code
     * rowNorm} is the row's norm under cosine, its centred norm under correlation, unused otherwise.
     */
    static double fromReferenceSum(Metric metric, double sum, double queryNorm, double rowNorm) {
        return switch (metric) {
            case COSINE, CORRELATION -> Metric.cosineFromDot(sum, queryNorm, rowNorm);
            case EUCLIDEAN -> Math.sqrt(sum);
            default -> sum;
        };
    }

    /** Ranking order: ascending value, NaN after every number, then ascending row. */
    static int compare(double a, int rowA, double b, int rowB) {
        if (a < b) {
            return -1;
        }
        if (a > b) {
            return 1;
        }
        boolean nanA = Double.isNaN(a);
        if (nanA != Double.isNaN(b)) {
            return nanA ? 1 : -1;
        }
        return Integer.compare(rowA, rowB);
    }

    private PreparedQuery prepare(float[] query, Metric metric, double p) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(metric, "metric");
        if (query.length != matrix.dim()) {
            throw new IllegalArgumentException("query has dimension " + query.length
                    + ", collection has " + matrix.dim());
        }
        for (int j = 0; j < query.length; j++) {
            if (!Float.isFinite(query[j])) {
                throw new IllegalArgumentException("query value at col " + j + " is " + query[j]
                        + "; only finite values are allowed");
            }
        }
        if (metric == Metric.MINKOWSKI) {
            MetricParams.requireValidP(p);
        }
        return new PreparedQuery(query.clone(), metric, p);
    }

    private double[] rowNorms() {
        double[] norms = rowNorms;
        if (norms == null) {
            synchronized (lock) {
                norms = rowNorms;
                if (norms == null) {
                    float[] data = matrix.data();
                    int dim = matrix.dim();
                    norms = new double[matrix.size()];
                    for (int row = 0; row < norms.length; row++) {
                        norms[row] = Math.sqrt(
                                ScalarKernels.INSTANCE.dot(data, row * dim, data, row * dim, dim));
                    }
                    rowNorms = norms;
                }
            }
        }
        return norms;
    }

    private CentredRows centredRows() {
        CentredRows centred = centredRows;
        if (centred == null) {
            synchronized (lock) {
                centred = centredRows;
                if (centred == null) {
                    float[] data = matrix.data();
                    int dim = matrix.dim();
                    double[] means = new double[matrix.size()];
                    double[] norms = new double[matrix.size()];
                    for (int row = 0; row < means.length; row++) {
                        int off = row * dim;
                        means[row] = ScalarKernels.mean(data, off, dim);
                        norms[row] = Math.sqrt(ScalarKernels.centredDot(
                                data, off, means[row], data, off, means[row], dim));
                    }
                    centred = new CentredRows(means, norms);
                    centredRows = centred;
                }
            }
        }
        return centred;
    }

    /**
     * A query with its metric-specific precomputations: the query norm for cosine; its mean,
     * centred norm and a float copy of the centred query for correlation.
     */
    private final class PreparedQuery {
        private final float[] query;
        private final Metric metric;
        private final double p;
        private final float[] data = matrix.data();
        private final int dim = matrix.dim();
        private final double[] norms;          // cosine: row norms; correlation: centred row norms
        private final double[] means;          // correlation only
        private final double queryNorm;        // cosine: |q|; correlation: |q - mean(q)|
        private final double queryMean;        // correlation only
        private final float[] centredQuery;    // correlation only: (float) ((q - mean(q)) * centredScale)
        private final double centredQuerySum;  // correlation only: sum of centredQuery, in double
        private final double centredScale;     // correlation only: 1, or a power of two below it when
                                               // q - mean(q) would overflow float

        PreparedQuery(float[] query, Metric metric, double p) {
            this.query = query;
            this.metric = metric;
            this.p = p;
            ScalarKernels ref = ScalarKernels.INSTANCE;
            if (metric == Metric.COSINE) {
                norms = rowNorms();
                means = null;
                queryNorm = Math.sqrt(ref.dot(query, 0, query, 0, dim));
                queryMean = 0;
                centredQuery = null;
                centredQuerySum = 0;
                centredScale = 1;
            } else if (metric == Metric.CORRELATION) {
                CentredRows centred = centredRows();
                norms = centred.norms();
                means = centred.means();
                queryMean = ScalarKernels.mean(query, 0, dim);
                queryNorm = Math.sqrt(
                        ScalarKernels.centredDot(query, 0, queryMean, query, 0, queryMean, dim));
                // Centring can double a value near Float.MAX_VALUE (q_j and the mean of opposite
                // signs): then the centred query is kept halved, and so is its dot with a row.
                double largest = 0;
                for (int j = 0; j < dim; j++) {
                    largest = Math.max(largest, Math.abs(query[j] - queryMean));
                }
                centredScale = largest > Float.MAX_VALUE ? 0.5 : 1;
                centredQuery = new float[dim];
                double sum = 0;
                for (int j = 0; j < dim; j++) {
                    centredQuery[j] = (float) ((query[j] - queryMean) * centredScale);
                    sum += centredQuery[j];
                }
                centredQuerySum = sum;
            } else {
                norms = null;
                means = null;
                queryNorm = 0;
                queryMean = 0;
                centredQuery = null;
                centredQuerySum = 0;
                centredScale = 1;
            }
        }

        /**
         * A value ordered like the distance (monotone in it), computed with the fast kernels. A
         * non-finite kernel result (float overflow in SIMD lanes) is redone with the reference.
         */
        double rankingScore(int row) {
            double raw = rawScore(kernels, row);
            if (!Double.isFinite(raw) && kernels != ScalarKernels.INSTANCE) {
                raw = rawScore(ScalarKernels.INSTANCE, row);
            }
            if (metric == Metric.COSINE || metric == Metric.CORRELATION) {
                double denominator = queryNorm * norms[row];
                // A zero (centred) norm makes the exact distance 0/0 = NaN; the float dot of a
                // constant row with the centred query is rounding noise, not 0, so decide here.
                return denominator == 0.0 ? Double.NaN : 1.0 - raw / denominator;
            }
            return raw;
        }

        private double rawScore(VectorKernels k, int row) {
            int off = row * dim;
            return switch (metric) {
                case COSINE -> k.dot(query, 0, data, off, dim);
                // sum (r - mr)(q - mq) = sum r * qc - mr * sum qc, with qc the centred query:
                // one dot product per row, no per-row centring pass.
                case CORRELATION -> (k.dot(centredQuery, 0, data, off, dim)
                        - means[row] * centredQuerySum) / centredScale;
                case EUCLIDEAN, SQEUCLIDEAN -> k.squaredL2(query, 0, data, off, dim);
                // the distance, not the power sum: that one overflows double for large p
                case MINKOWSKI -> k.minkowski(query, 0, data, off, dim, p);
                case CITYBLOCK -> k.l1(query, 0, data, off, dim);
                case CHEBYSHEV -> k.lInf(query, 0, data, off, dim);
                case CANBERRA -> k.canberra(query, 0, data, off, dim);
                case BRAYCURTIS -> k.brayCurtis(query, 0, data, off, dim);
            };
        }

        /**
         * Fills {@code out} with exact distances for rows 0, 1, ... in groups of four, where the
         * metric allows; returns the first row not filled (0 for the other metrics).
         */
        int exactDistancesFourAtATime(double[] out) {
            if (!hasReferenceSums4(metric)) {
                return 0;
            }
            double[] qc = metric == Metric.CORRELATION ? centred(query, queryMean) : null;
            int row = 0;
            double[] sums = new double[4];
            double[] rowMeans = metric == Metric.CORRELATION ? new double[4] : null;
            for (; row + 4 <= out.length; row += 4) {
                if (rowMeans != null) {
                    System.arraycopy(means, row, rowMeans, 0, 4);
                }
                referenceSums4(metric, query, qc, rowMeans, data, row * dim, dim, sums);
                for (int j = 0; j < 4; j++) {
                    out[row + j] = fromReferenceSum(metric, sums[j], queryNorm,
                            norms == null ? 0 : norms[row + j]);
                }
            }
            return row;
        }

        /** Bit-for-bit {@code metric.distance(query, matrix.row(row), p)}, using the caches. */
        double exactDistance(int row) {
            ScalarKernels ref = ScalarKernels.INSTANCE;
            int off = row * dim;
            return switch (metric) {
                case COSINE -> Metric.cosineFromDot(
                        ref.dot(query, 0, data, off, dim), queryNorm, norms[row]);
                case CORRELATION -> Metric.cosineFromDot(ScalarKernels.centredDot(
                        query, 0, queryMean, data, off, means[row], dim), queryNorm, norms[row]);
                case EUCLIDEAN -> Math.sqrt(ref.squaredL2(query, 0, data, off, dim));
                case SQEUCLIDEAN -> ref.squaredL2(query, 0, data, off, dim);
                case MINKOWSKI -> Metric.minkowski(query, 0, data, off, dim, p);
                case CITYBLOCK -> ref.l1(query, 0, data, off, dim);
                case CHEBYSHEV -> ref.lInf(query, 0, data, off, dim);
                case CANBERRA -> ref.canberra(query, 0, data, off, dim);
                case BRAYCURTIS -> ref.brayCurtis(query, 0, data, off, dim);
            };
        }
    }

    /**
     * The best {@code capacity} (score, row) pairs seen so far, as a binary max-heap keyed by
     * {@link #compare} so the worst kept candidate is at the root and most rows are rejected with
     * one comparison.
     */
    static final class CandidateHeap {
        private final double[] scores;
        private final int[] rows;
        private int size;

        CandidateHeap(int capacity) {
            scores = new double[capacity];
            rows = new int[capacity];
        }

        boolean accepts(double score, int row) {
            return size < scores.length || compare(score, row, scores[0], rows[0]) < 0;
        }

        void add(double score, int row) {
            if (size < scores.length) {
                int i = size++;
                while (i > 0) {
                    int parent = (i - 1) >>> 1;
                    if (compare(scores[parent], rows[parent], score, row) >= 0) {
                        break;
                    }
                    scores[i] = scores[parent];
                    rows[i] = rows[parent];
                    i = parent;
                }
                scores[i] = score;
                rows[i] = row;
            } else {
                int i = 0;
                while (true) {
                    int child = 2 * i + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && compare(scores[child + 1], rows[child + 1],
                            scores[child], rows[child]) > 0) {
                        child++;
                    }
                    if (compare(scores[child], rows[child], score, row) <= 0) {
                        break;
                    }
                    scores[i] = scores[child];
                    rows[i] = rows[child];
                    i = child;
                }
                scores[i] = score;
                rows[i] = row;
            }
        }

        int[] rows() {
            return Arrays.copyOf(rows, size);
        }
    }
}
