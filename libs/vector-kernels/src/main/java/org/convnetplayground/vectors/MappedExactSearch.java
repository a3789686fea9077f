package org.convnetplayground.vectors;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * Exact nearest rows of a memory-mapped {@link MappedVectors}: the same answers as {@link ExactSearch} (same order,
 * same SciPy-exact double distances, same re-rank of {@code k + }{@value ExactSearch#RERANK_MARGIN} candidates), for
 * collections that do not fit the heap. A query scans the mapped rows in place with {@link BufferKernels} (cosine,
 * correlation, euclidean, sqeuclidean) or copies each row into a small buffer for the other metrics, with the rows
 * split across all cores; the candidates of every part are merged and re-ranked exactly.
 *
 * <p>Per-row norms (cosine) and means with centred norms (correlation) are computed once in double exactly as
 * {@link Metric#distance} computes them, and kept on the heap (8 or 16 bytes a row): a cosine norm when a query first
 * needs that row (a re-rank of candidates computes only theirs), the correlation ones all at first use.
 */
public final class MappedExactSearch {

    /** Below this many values a query runs on the calling thread only: splitting costs more than it saves. */
    static final long PARALLEL_MIN_VALUES = 1L << 21;

    private static final int THREADS = Runtime.getRuntime().availableProcessors();
    /** Atomic reads and writes of the lazily filled norms, shared by the query threads. */
    private static final VarHandle NORMS = MethodHandles.arrayElementVarHandle(double[].class);
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "exact-scan");
        t.setDaemon(true);
        return t;
    });

    private final MappedVectors vectors;
    private final BufferKernels bufferKernels;
    private final VectorKernels kernels;
    private final Object lock = new Object();
    private volatile double[] rowNorms;
    private volatile double[][] centred;

    /** Searches {@code vectors} with the fastest kernels this JVM offers. */
    public MappedExactSearch(MappedVectors vectors) {
        this(vectors, BufferKernels.best(), VectorKernels.best());
    }

    /** Searches with the given kernels (to compare implementations). */
    public MappedExactSearch(MappedVectors vectors, BufferKernels bufferKernels, VectorKernels kernels) {
        this.vectors = Objects.requireNonNull(vectors, "vectors");
        this.bufferKernels = Objects.requireNonNull(bufferKernels, "bufferKernels");
        this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    public MappedVectors vectors() {
        return vectors;
    }

    /** The kernels of the ranking pass, e.g. "simd-512/simd-512". */
    public String kernelNames() {
        return bufferKernels.name() + "/" + kernels.name();
    }

    /**
     * The {@code k} rows nearest to {@code query}, nearest first, exactly as {@link ExactSearch#topK}.
     *
     * @throws IllegalArgumentException as {@link ExactSearch#topK}
     */
    public List<ScoredRow> topK(float[] query, Metric metric, double p, int k, IntPredicate excludeRow) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        Prepared q = prepare(query, metric, p);
        int n = vectors.size();
        if (k == 0 || n == 0) {
            return List.of();
        }
        int capacity = (int) Math.min(n, (long) k + ExactSearch.RERANK_MARGIN);
        int parts = (long) n * vectors.dim() < PARALLEL_MIN_VALUES ? 1 : Math.min(THREADS, n);
        int[] candidates;
        if (parts == 1) {
            candidates = scan(q, 0, n, capacity, excludeRow);
        } else {
            List<Future<int[]>> futures = new ArrayList<>();
            int step = (n + parts - 1) / parts;
            for (int part = 1; part < parts; part++) {
                int from = part * step;
                int to = Math.min(n, from + step);
                futures.add(POOL.submit(() -> scan(q, from, to, capacity, excludeRow)));
            }
            int[] first = scan(q, 0, Math.min(n, step), capacity, excludeRow);
            List<int[]> all = new ArrayList<>(List.of(first));
            for (Future<int[]> f : futures) {
                all.add(join(f));
            }
            candidates = all.stream().flatMapToInt(Arrays::stream).toArray();
        }
        return exactTop(q, candidates, k, new float[vectors.dim()]);
    }

    /** The {@code k} nearest of {@code rows} by their exact distances, nearest first (ties by row). */
    private static List<ScoredRow> exactTop(Prepared q, int[] rows, int k, float[] scratch) {
        double[] distances = new double[rows.length];
        q.exactDistances(i -> rows[i], distances, scratch);
        ScoredRow[] hits = new ScoredRow[rows.length];
        for (int i = 0; i < rows.length; i++) {
            hits[i] = new ScoredRow(rows[i], distances[i]);
        }
        Arrays.sort(hits, (a, b) -> ExactSearch.compare(a.distance(), a.row(), b.distance(), b.row()));
        return List.of(Arrays.copyOf(hits, Math.min(k, hits.length)));
    }

    /**
     * The exact distance from {@code query} to every row, as {@link ExactSearch#distances}: the reference kernels,
     * bit for bit {@link Metric#distance}.
     */
    public double[] distances(float[] query, Metric metric, double p) {
        Prepared q = prepare(query, metric, p);
        double[] out = new double[vectors.size()];
        q.exactDistances(i -> i, out, new float[vectors.dim()]);
        return out;
    }

    /** The exact distance from {@code query} to one row. */
    public double distance(float[] query, Metric metric, double p, int row) {
        return prepare(query, metric, p).exactDistance(row, new float[vectors.dim()]);
    }

    /**
     * The {@code k} nearest of the given candidate rows, exactly ranked (an approximate index's re-rank): the same
     * distances and order as {@link #topK} would give them. As {@link #topK} does over all rows, the candidates are
     * first ranked with the SIMD kernels straight from the mapped rows, and only the best {@code k + }{@value
     * ExactSearch#RERANK_MARGIN} get the exact (scalar, double) distance, which costs about ten times more a row.
     */
    public List<ScoredRow> rerank(float[] query, Metric metric, double p, int[] rows, int k) {
        Prepared q = prepare(query, metric, p);
        float[] scratch = new float[vectors.dim()];
        int[] exact = rows;
        int capacity = (int) Math.min(rows.length, (long) k + ExactSearch.RERANK_MARGIN);
        if (capacity < rows.length) {
            ExactSearch.CandidateHeap heap = new ExactSearch.CandidateHeap(capacity);
            if (metric == Metric.COSINE) {
                // four rows at a time: the candidates are scattered over the file, and their reads overlap
                double[] dots = new double[4];
                for (int i = 0; i < rows.length; i += 4) {
                    int a = rows[i];
                    int b = i + 1 < rows.length ? rows[i + 1] : a;
                    int c = i + 2 < rows.length ? rows[i + 2] : a;
                    int d = i + 3 < rows.length ? rows[i + 3] : a;
                    bufferKernels.dot4(q.query, vectors.chunk(a), vectors.offsetInChunk(a), vectors.chunk(b),
                            vectors.offsetInChunk(b), vectors.chunk(c), vectors.offsetInChunk(c), vectors.chunk(d),
                            vectors.offsetInChunk(d), vectors.dim(), dots);
                    for (int j = 0; j < 4 && i + j < rows.length; j++) {
                        int row = rows[i + j];
                        double score = q.rankingScore(dots[j], row, scratch);
                        if (heap.accepts(score, row)) {
                            heap.add(score, row);
                        }
                    }
                }
            } else {
                for (int row : rows) {
                    double score = q.rankingScore(row, scratch);
                    if (heap.accepts(score, row)) {
                        heap.add(score, row);
                    }
                }
            }
            exact = heap.rows();
        }
        return exactTop(q, exact, k, scratch);
    }

    private int[] scan(Prepared q, int from, int to, int capacity, IntPredicate excludeRow) {
        ExactSearch.CandidateHeap heap = new ExactSearch.CandidateHeap(capacity);
        float[] scratch = new float[vectors.dim()];
        for (int row = from; row < to; row++) {
            if (excludeRow != null && excludeRow.test(row)) {
                continue;
            }
            double score = q.rankingScore(row, scratch);
            if (heap.accepts(score, row)) {
                heap.add(score, row);
            }
        }
        return heap.rows();
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new IllegalStateException("interrupted while scanning", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private Prepared prepare(float[] query, Metric metric, double p) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(metric, "metric");
        if (query.length != vectors.dim()) {
            throw new IllegalArgumentException("query has dimension " + query.length + ", collection has "
                    + vectors.dim());
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
        return new Prepared(query.clone(), metric, p);
    }

    /** The per-row norms, NaN until a query needs the row's ({@link Prepared#norm}). */
    private double[] rowNorms() {
        double[] norms = rowNorms;
        if (norms == null) {
            synchronized (lock) {
                norms = rowNorms;
                if (norms == null) {
                    norms = new double[vectors.size()];
                    Arrays.fill(norms, Double.NaN);
                    rowNorms = norms;
                }
            }
        }
        return norms;
    }

    /** {means, centred norms}. */
    private double[][] centred() {
        double[][] c = centred;
        if (c == null) {
            synchronized (lock) {
                c = centred;
                if (c == null) {
                    double[] means = new double[vectors.size()];
                    double[] norms = new double[vectors.size()];
                    float[] row = new float[vectors.dim()];
                    for (int i = 0; i < means.length; i++) {
                        vectors.copyRow(i, row, 0);
                        means[i] = ScalarKernels.mean(row, 0, row.length);
                        norms[i] = Math.sqrt(ScalarKernels.centredDot(row, 0, means[i], row, 0, means[i], row.length));
                    }
                    c = new double[][] {means, norms};
                    centred = c;
                }
            }
        }
        return c;
    }

    /** A query with its metric's precomputations, as ExactSearch's. */
    private final class Prepared {
        private final float[] query;
        private final Metric metric;
        private final double p;
        private final int dim = vectors.dim();
        private final double[] norms;
        private final double[] means;
        private final double queryNorm;
        private final double queryMean;
        private final float[] centredQuery;
        private final double centredQuerySum;
        private final double centredScale;

        Prepared(float[] query, Metric metric, double p) {
            this.query = query;
            this.metric = metric;
            this.p = p;
            if (metric == Metric.COSINE) {
                norms = rowNorms();
                means = null;
                queryNorm = Math.sqrt(ScalarKernels.INSTANCE.dot(query, 0, query, 0, dim));
                queryMean = 0;
                centredQuery = null;
                centredQuerySum = 0;
                centredScale = 1;
            } else if (metric == Metric.CORRELATION) {
                double[][] c = centred();
                means = c[0];
                norms = c[1];
                queryMean = ScalarKernels.mean(query, 0, dim);
                queryNorm = Math.sqrt(ScalarKernels.centredDot(query, 0, queryMean, query, 0, queryMean, dim));
                // as ExactSearch: centring can double a value near Float.MAX_VALUE; then the centred query is halved
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

        /** A value ordered like the distance, from the fast kernels; a non-finite one is redone exactly. */
        double rankingScore(int row, float[] scratch) {
            return rankingScore(rawScore(bufferKernels, kernels, row, scratch), row, scratch);
        }

        /** {@link #rankingScore(int, float[])} given the fast kernels' sum {@code raw} for the row. */
        double rankingScore(double raw, int row, float[] scratch) {
            if (!Double.isFinite(raw) && kernels != ScalarKernels.INSTANCE) {
                raw = rawScore(ScalarBufferKernels.INSTANCE, ScalarKernels.INSTANCE, row, scratch);
            }
            if (metric == Metric.COSINE || metric == Metric.CORRELATION) {
                double denominator = queryNorm * norm(row, scratch);
                return denominator == 0.0 ? Double.NaN : 1.0 - raw / denominator;
            }
            return raw;
        }

        private double rawScore(BufferKernels b, VectorKernels k, int row, float[] scratch) {
            switch (metric) {
                case COSINE:
                    return b.dot(query, vectors.chunk(row), vectors.offsetInChunk(row), dim);
                case CORRELATION:
                    return (b.dot(centredQuery, vectors.chunk(row), vectors.offsetInChunk(row), dim)
                            - means[row] * centredQuerySum) / centredScale;
                case EUCLIDEAN:
                case SQEUCLIDEAN:
                    return b.squaredL2(query, vectors.chunk(row), vectors.offsetInChunk(row), dim);
                default:
                    break;
            }
            vectors.copyRow(row, scratch, 0);
            return switch (metric) {
                // the distance, not the power sum: that one overflows double for large p
                case MINKOWSKI -> k.minkowski(query, 0, scratch, 0, dim, p);
                case CITYBLOCK -> k.l1(query, 0, scratch, 0, dim);
                case CHEBYSHEV -> k.lInf(query, 0, scratch, 0, dim);
                case CANBERRA -> k.canberra(query, 0, scratch, 0, dim);
                case BRAYCURTIS -> k.brayCurtis(query, 0, scratch, 0, dim);
                default -> throw new IllegalStateException("unhandled metric " + metric);
            };
        }

        /**
         * The row's norm (centred under correlation): under cosine computed the first time a query needs it and kept
         * (in double, exactly as {@link Metric#distance} computes it), so an approximate query's first answer reads
         * only its candidates' rows, not the whole collection. Two threads may both compute one: the same value.
         * Leaves the row in {@code scratch} when it computes it.
         */
        double norm(int row, float[] scratch) {
            if (metric != Metric.COSINE) {
                return norms[row];
            }
            double n = (double) NORMS.getOpaque(norms, row);
            if (Double.isNaN(n)) {
                vectors.copyRow(row, scratch, 0);
                n = Math.sqrt(ScalarKernels.INSTANCE.dot(scratch, 0, scratch, 0, dim));
                NORMS.setOpaque(norms, row, n);
            }
            return n;
        }

        /**
         * The exact distances of rows {@code rowAt(0), rowAt(1), ...} into {@code out}, bit for bit {@link
         * #exactDistance}: under cosine, correlation and (sq)euclidean in groups of four rows copied out of the mapping
         * ({@link ExactSearch#referenceSums4}: four independent sums in flight, about half the time), else one by one.
         */
        void exactDistances(IntUnaryOperator rowAt, double[] out, float[] scratch) {
            int i = 0;
            if (ExactSearch.hasReferenceSums4(metric)) {
                double[] qc = metric == Metric.CORRELATION ? ExactSearch.centred(query, queryMean) : null;
                float[] four = new float[4 * dim];
                double[] rowMeans = new double[4];
                double[] sums = new double[4];
                int[] rows = new int[4];
                for (; i + 4 <= out.length; i += 4) {
                    for (int j = 0; j < 4; j++) {
                        rows[j] = rowAt.applyAsInt(i + j);
                        vectors.copyRow(rows[j], four, j * dim);
                        if (qc != null) {
                            rowMeans[j] = means[rows[j]];
                        }
                    }
                    ExactSearch.referenceSums4(metric, query, qc, rowMeans, four, 0, dim, sums);
                    for (int j = 0; j < 4; j++) {
                        out[i + j] = ExactSearch.fromReferenceSum(metric, sums[j], queryNorm,
                                norms == null ? 0 : norm(rows[j], scratch));
                    }
                }
            }
            for (; i < out.length; i++) {
                out[i] = exactDistance(rowAt.applyAsInt(i), scratch);
            }
        }

        /** Bit for bit {@code metric.distance(query, row, p)}, with the cached norms. */
        double exactDistance(int row, float[] scratch) {
            vectors.copyRow(row, scratch, 0);
            ScalarKernels ref = ScalarKernels.INSTANCE;
            return switch (metric) {
                case COSINE -> Metric.cosineFromDot(ref.dot(query, 0, scratch, 0, dim), queryNorm, norm(row, scratch));
                case CORRELATION -> Metric.cosineFromDot(ScalarKernels.centredDot(
                        query, 0, queryMean, scratch, 0, means[row], dim), queryNorm, norms[row]);
                case EUCLIDEAN -> Math.sqrt(ref.squaredL2(query, 0, scratch, 0, dim));
                case SQEUCLIDEAN -> ref.squaredL2(query, 0, scratch, 0, dim);
                case MINKOWSKI -> Metric.minkowski(query, 0, scratch, 0, dim, p);
                case CITYBLOCK -> ref.l1(query, 0, scratch, 0, dim);
                case CHEBYSHEV -> ref.lInf(query, 0, scratch, 0, dim);
                case CANBERRA -> ref.canberra(query, 0, scratch, 0, dim);
                case BRAYCURTIS -> ref.brayCurtis(query, 0, scratch, 0, dim);
            };
        }
    }
}
