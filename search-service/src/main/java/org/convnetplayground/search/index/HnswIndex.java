package org.convnetplayground.search.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.convnetplayground.vectors.GraphKernels;
import org.convnetplayground.vectors.MappedRows;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.ScoredRow;
import org.jboss.logging.Logger;

/**
 * An approximate index over one collection: a Lucene HNSW graph (one embedded index, on disk under the collection's
 * folder, memory-mapped by Lucene) over the unit-length rows, so the graph's dot product orders like cosine. Cosine
 * queries take {@link HnswParams#candidates} candidates from the graph and re-rank them exactly under the metric;
 * every other metric (the graph's order says nothing reliable about them) and exact-mode queries are answered by the
 * exact scan it wraps, which is also the source of every reported distance.
 *
 * <p>The files are plain Lucene 9.12 files (Lucene's HNSW formats under their own names); building and searching score
 * vectors with our SIMD {@link KernelVectorsScorer}, so the segments are read here through Lucene's own vectors
 * readers constructed with that scorer, not through an {@code IndexSearcher} (whose readers Lucene's service loader
 * picks, with Lucene's plain-loop scorer on Java 17).
 */
public final class HnswIndex implements VectorIndex {

    static final String VECTOR_FIELD = "v";
    /** Lucene99ScalarQuantizedVectorsFormat's extension of the quantized vectors file (package-private there). */
    private static final String QUANTIZED_VECTORS_EXTENSION = "veq";
    private static final Logger LOG = Logger.getLogger(HnswIndex.class);

    private final ExactIndex exact;
    private final Directory directory;
    private final List<Segment> segments;
    private final HnswParams params;
    private final int crossover;

    /**
     * One segment's vectors reader, the row of its first document (documents are rows, in order) and the walk that
     * searches its graph (null where Lucene's own search does: float vectors, or a layout the walk does not know).
     */
    private record Segment(KnnVectorsReader vectors, Directory files, int docBase, int maxDoc,
                           QuantizedGraphWalk walk) {
    }

    private HnswIndex(ExactIndex exact, Directory directory, List<Segment> segments, HnswParams params, int crossover) {
        this.exact = exact;
        this.directory = directory;
        this.segments = segments;
        this.params = params;
        this.crossover = crossover;
    }

    /**
     * Opens the index built in {@code dir} for the collection searched by {@code exact}.
     *
     * @param crossover the collection size from which {@link SearchMode#AUTO} answers approximately
     */
    public static HnswIndex open(ExactIndex exact, Path dir, HnswParams params, int crossover) throws IOException {
        return open(exact, dir, params, crossover, MappedRows.MAX_CHUNK_BYTES);
    }

    /** {@link #open} whose walks map their vectors in buffers of at most {@code walkChunkBytes} (for tests). */
    static HnswIndex open(ExactIndex exact, Path dir, HnswParams params, int crossover, long walkChunkBytes)
            throws IOException {
        Directory directory = FSDirectory.open(dir);
        List<Segment> segments = new ArrayList<>();
        try {
            GraphKernels kernels = GraphKernels.best();
            FlatVectorsScorer scorer = new KernelVectorsScorer(kernels);
            int docBase = 0;
            for (SegmentCommitInfo commit : SegmentInfos.readLatestCommit(directory)) {
                if (commit.hasDeletions()) {
                    throw new IOException("segment " + commit.info.name + " has deleted documents; rows would shift");
                }
                segments.add(openSegment(dir, directory, commit.info, kernels, scorer, docBase, walkChunkBytes));
                docBase += commit.info.maxDoc();
            }
            if (docBase != exact.size()) {
                throw new IOException("the HNSW index holds " + docBase + " vectors, the collection " + exact.size());
            }
            return new HnswIndex(exact, directory, List.copyOf(segments), params, crossover);
        } catch (IOException | RuntimeException e) {
            for (Segment s : segments) {
                IOUtils.closeWhileHandlingException(s.vectors(), s.files() == directory ? null : s.files());
            }
            directory.close();
            throw e;
        }
    }

    /** Lucene's vectors reader of one segment's vector field, as {@code PerFieldKnnVectorsFormat} opens it. */
    private static Segment openSegment(Path dir, Directory directory, SegmentInfo info, GraphKernels kernels,
                                       FlatVectorsScorer scorer, int docBase, long walkChunkBytes)
            throws IOException {
        Codec codec = info.getCodec();
        Directory files = info.getUseCompoundFile()
                ? codec.compoundFormat().getCompoundReader(directory, info, IOContext.DEFAULT) : directory;
        try {
            FieldInfos fields = codec.fieldInfosFormat().read(files, info, "", IOContext.READONCE);
            FieldInfo field = fields.fieldInfo(VECTOR_FIELD);
            String format = field == null ? null : field.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
            String suffix = field == null ? null : field.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_SUFFIX_KEY);
            if (format == null || suffix == null) {
                throw new IOException("segment " + info.name + " has no vectors in field " + VECTOR_FIELD);
            }
            boolean quantized;
            if (format.equals(KernelHnswVectorsFormat.QUANTIZED_NAME)) {
                quantized = true;
            } else if (format.equals(KernelHnswVectorsFormat.FLOAT_NAME)) {
                quantized = false;
            } else {
                throw new IOException("segment " + info.name + " has vectors of format " + format);
            }
            SegmentReadState state = new SegmentReadState(files, info, fields, IOContext.DEFAULT,
                    format + "_" + suffix);
            KnnVectorsReader reader = KernelHnswVectorsFormat.forReading(quantized, scorer).fieldsReader(state);
            QuantizedGraphWalk walk = null;
            if (quantized && files == directory) {
                try {
                    walk = QuantizedGraphWalk.open((Lucene99HnswVectorsReader) reader, VECTOR_FIELD,
                            field.getVectorSimilarityFunction(), dir.resolve(IndexFileNames.segmentFileName(info.name,
                                    state.segmentSuffix, QUANTIZED_VECTORS_EXTENSION)),
                            info.maxDoc(), field.getVectorDimension(), kernels, walkChunkBytes);
                } catch (IOException e) {
                    LOG.warnf("segment %s of %s is searched by Lucene's one-at-a-time walk: %s", info.name, dir,
                            e.getMessage());
                }
            }
            return new Segment(reader, files, docBase, info.maxDoc(), walk);
        } catch (IOException | RuntimeException e) {
            if (files != directory) {
                IOUtils.closeWhileHandlingException(files);
            }
            throw e;
        }
    }

    /**
     * Builds an index of every row of {@code vectors} into the empty folder {@code dir}: the rows are added as one
     * segment read from the mapped file ({@link MappedRowsReader}), so Lucene writes (and quantizes) the vectors once
     * and builds one graph over all of them with {@link HnswParams#threads} workers. The heap holds the graph (about
     * 300 bytes a row at M 16), never the vectors.
     *
     * @param progress  told the number of rows in the graph so far (every 4,096 rows)
     * @param cancelled checked every 4,096 rows; the build stops (IOException) when it says so
     */
    public static void build(Path dir, MappedVectors vectors, HnswParams params, IntConsumer progress,
                             BooleanSupplier cancelled) throws IOException {
        build(dir, vectors, params, new KernelVectorsScorer(GraphKernels.best()), progress, cancelled);
    }

    /** {@link #build} scoring with {@code scorer} (the benchmark compares Lucene's own scorer with ours). */
    static void build(Path dir, MappedVectors vectors, HnswParams params, FlatVectorsScorer scorer,
                      IntConsumer progress, BooleanSupplier cancelled) throws IOException {
        if (vectors.dim() > KernelHnswVectorsFormat.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("vectors of " + vectors.dim() + " dimensions are wider than the "
                    + KernelHnswVectorsFormat.MAX_DIMENSIONS + " an approximate index takes");
        }
        ExecutorService workers = params.threads() > 1 ? Executors.newFixedThreadPool(params.threads(), r -> {
            Thread t = new Thread(r, "hnsw-build");
            t.setDaemon(true);
            return t;
        }) : null;
        Monitor monitor = new Monitor(scorer, progress, cancelled);
        KernelHnswVectorsFormat format = new KernelHnswVectorsFormat(params.maxConn(), params.beamWidth(),
                params.quantized(), monitor, workers == null ? 1 : params.threads(), workers);
        TieredMergePolicy oneSegment = new TieredMergePolicy();
        oneSegment.setNoCFSRatio(0);
        IndexWriterConfig config = new IndexWriterConfig().setCodec(new WideVectorsCodec(format))
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE).setUseCompoundFile(false)
                .setMergePolicy(oneSegment)
                // the one merge runs on this (the job's) thread; its graph is built on the workers
                .setMergeScheduler(new SerialMergeScheduler()).setCommitOnClose(false);
        try (Directory directory = FSDirectory.open(dir); IndexWriter writer = new IndexWriter(directory, config)) {
            try {
                writer.addIndexes(new MappedRowsReader(vectors, VECTOR_FIELD, monitor::stopped));
                writer.commit();
            } catch (IOException | RuntimeException e) {
                writer.rollback();
                if (monitor.stopped()) {
                    throw new IOException("cancelled", e);
                }
                throw e;
            }
            progress.accept(vectors.size());
        } finally {
            if (workers != null) {
                workers.shutdownNow();
            }
        }
    }

    /**
     * The scorer of a build, watching it: the graph builder asks for a scorer of each row it inserts, in about row
     * order (batches of 2,048 rows handed out in order to the workers), so the highest row asked for is the build's
     * progress; every 4,096 rows it asks whether the build is cancelled, and then fails every later request.
     */
    private static final class Monitor implements FlatVectorsScorer {
        private final FlatVectorsScorer scorer;
        private final IntConsumer progress;
        private final BooleanSupplier cancelled;
        private final AtomicInteger highest = new AtomicInteger(-1);
        private volatile boolean stop;

        Monitor(FlatVectorsScorer scorer, IntConsumer progress, BooleanSupplier cancelled) {
            this.scorer = scorer;
            this.progress = progress;
            this.cancelled = cancelled;
        }

        boolean stopped() {
            if (!stop && cancelled.getAsBoolean()) {
                stop = true;
            }
            return stop;
        }

        void asked(int row) throws IOException {
            if (stop) {
                throw new IOException("cancelled");
            }
            int seen = highest.get();
            if (row > seen && highest.compareAndSet(seen, row) && (row >>> 12) != (seen >>> 12)) {
                if (stopped()) {
                    throw new IOException("cancelled");
                }
                progress.accept(row);
            }
        }

        @Override
        public RandomVectorScorerSupplier getRandomVectorScorerSupplier(VectorSimilarityFunction similarity,
                RandomAccessVectorValues values) throws IOException {
            return watched(scorer.getRandomVectorScorerSupplier(similarity, values));
        }

        private RandomVectorScorerSupplier watched(RandomVectorScorerSupplier supplier) {
            return new RandomVectorScorerSupplier() {
                @Override
                public RandomVectorScorer scorer(int ord) throws IOException {
                    asked(ord);
                    return supplier.scorer(ord);
                }

                @Override
                public RandomVectorScorerSupplier copy() throws IOException {
                    return watched(supplier.copy());
                }
            };
        }

        @Override
        public RandomVectorScorer getRandomVectorScorer(VectorSimilarityFunction similarity,
                RandomAccessVectorValues values, float[] target) throws IOException {
            return scorer.getRandomVectorScorer(similarity, values, target);
        }

        @Override
        public RandomVectorScorer getRandomVectorScorer(VectorSimilarityFunction similarity,
                RandomAccessVectorValues values, byte[] target) throws IOException {
            return scorer.getRandomVectorScorer(similarity, values, target);
        }

        @Override
        public String toString() {
            return scorer.toString();
        }
    }

    /** {@code v} scaled to length 1 (a zero vector stays zero), as a new array. */
    static float[] unit(float[] v) {
        float[] out = v.clone();
        toUnit(out);
        return out;
    }

    /** Scales {@code v} to length 1 in place (a zero vector stays zero). */
    static void toUnit(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return;
        }
        double scale = 1 / Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * scale);
        }
    }

    @Override
    public String kind() {
        return "hnsw";
    }

    @Override
    public int size() {
        return exact.size();
    }

    @Override
    public int dimension() {
        return exact.dimension();
    }

    @Override
    public boolean approximates(Metric metric) {
        return metric == Metric.COSINE;
    }

    @Override
    public boolean approximateReady() {
        return true;
    }

    @Override
    public IndexAnswer search(IndexQuery q) {
        SearchMode mode = q.mode();
        if (mode == SearchMode.EXACT) {
            return new IndexAnswer(exact.exact(q), SearchMode.EXACT, null);
        }
        if (!approximates(q.metric())) {
            return new IndexAnswer(exact.exact(q), SearchMode.EXACT, "the approximate index orders by cosine; "
                    + q.metric().id() + " is answered exactly");
        }
        if (mode == SearchMode.AUTO && size() < crossover) {
            return new IndexAnswer(exact.exact(q), SearchMode.EXACT, null);
        }
        return new IndexAnswer(approximate(q), SearchMode.APPROXIMATE, null);
    }

    private List<Neighbour> approximate(IndexQuery q) {
        if (q.vector().length != dimension()) {
            throw new IllegalArgumentException("query has dimension " + q.vector().length + ", collection has "
                    + dimension());
        }
        if (q.k() < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + q.k());
        }
        int wanted = Math.min(size(), params.candidates(q.k()) + q.exclude().size());
        if (wanted == 0) {
            return List.of();
        }
        int[] candidates = candidates(q.vector(), wanted);
        var excluded = exact.excluded(q);
        int[] rows = new int[candidates.length];
        int n = 0;
        for (int row : candidates) {
            if (excluded == null || !excluded.test(row)) {
                rows[n++] = row;
            }
        }
        List<ScoredRow> ranked = exact.scan().rerank(q.vector(), q.metric(), q.p(), Arrays.copyOf(rows, n),
                q.k());
        return exact.neighbours(new ArrayList<>(ranked));
    }

    /** The rows the graph finds nearest to {@code vector} under cosine, at most {@code wanted}, nearest first. */
    int[] candidates(float[] vector, int wanted) {
        return candidates(vector, wanted, true);
    }

    /** Whether every segment is searched by the four-at-a-time walk. */
    boolean walks() {
        return segments.stream().allMatch(s -> s.walk() != null);
    }

    /**
     * {@link #candidates} found by Lucene's own searcher in every segment ({@code walk} false): the reference the
     * four-at-a-time walk is tested and benchmarked against.
     */
    int[] candidates(float[] vector, int wanted, boolean walk) {
        float[] query = unit(vector);
        List<ScoreDoc> hits = new ArrayList<>();
        try {
            for (Segment segment : segments) {
                int k = Math.min(wanted, segment.maxDoc());
                ScoreDoc[] top;
                if (walk && segment.walk() != null && k < segment.maxDoc()) {
                    top = segment.walk().search(query, k);
                } else {
                    TopKnnCollector collector = new TopKnnCollector(k, Integer.MAX_VALUE);
                    segment.vectors().search(VECTOR_FIELD, query, collector, null);
                    top = collector.topDocs().scoreDocs;
                }
                for (ScoreDoc hit : top) {
                    hits.add(new ScoreDoc(segment.docBase() + hit.doc, hit.score));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search the HNSW index", e);
        }
        if (segments.size() > 1) {
            // the best of every segment's best
            hits.sort((a, b) -> Float.compare(b.score, a.score));
        }
        return hits.stream().limit(wanted).mapToInt(h -> h.doc).toArray();
    }

    @Override
    public void close() {
        try {
            for (Segment s : segments) {
                IOUtils.close(s.vectors(), s.files() == directory ? null : s.files());
            }
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
