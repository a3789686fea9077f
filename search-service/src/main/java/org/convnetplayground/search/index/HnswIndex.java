package org.convnetplayground.search.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.ScoredRow;

/**
 * An approximate index over one collection: a Lucene HNSW graph (one embedded index, on disk under the collection's
 * folder, memory-mapped by Lucene) over the unit-length rows, so the graph's dot product orders like cosine. Cosine
 * queries take {@link HnswParams#candidates} candidates from the graph and re-rank them exactly under the metric;
 * every other metric (the graph's order says nothing reliable about them) and exact-mode queries are answered by the
 * exact scan it wraps, which is also the source of every reported distance.
 */
public final class HnswIndex implements VectorIndex {

    static final String VECTOR_FIELD = "v";
    static final String ROW_FIELD = "row";

    private final ExactIndex exact;
    private final Directory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final int[] rowOfDoc;
    private final HnswParams params;
    private final int crossover;

    private HnswIndex(ExactIndex exact, Directory directory, DirectoryReader reader, HnswParams params, int crossover)
            throws IOException {
        this.exact = exact;
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.params = params;
        this.crossover = crossover;
        this.rowOfDoc = new int[reader.maxDoc()];
        for (LeafReaderContext leaf : reader.leaves()) {
            NumericDocValues rows = leaf.reader().getNumericDocValues(ROW_FIELD);
            for (int doc = rows.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = rows.nextDoc()) {
                rowOfDoc[leaf.docBase + doc] = (int) rows.longValue();
            }
        }
        if (reader.numDocs() != exact.size()) {
            close();
            throw new IllegalStateException("the HNSW index holds " + reader.numDocs() + " vectors, the collection "
                    + exact.size());
        }
    }

    /**
     * Opens the index built in {@code dir} for the collection searched by {@code exact}.
     *
     * @param crossover the collection size from which {@link SearchMode#AUTO} answers approximately
     */
    public static HnswIndex open(ExactIndex exact, Path dir, HnswParams params, int crossover) throws IOException {
        Directory directory = FSDirectory.open(dir);
        try {
            return new HnswIndex(exact, directory, DirectoryReader.open(directory), params, crossover);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /**
     * Builds an index of every row of {@code vectors} into the empty folder {@code dir}, streaming: the heap holds at
     * most {@link HnswParams#ramBufferMb} of buffered vectors, whatever the collection's size.
     *
     * @param progress  told the number of rows added so far
     * @param cancelled checked between rows; the build stops (IOException) when it says so
     */
    public static void build(Path dir, MappedVectors vectors, HnswParams params, IntConsumer progress,
                             BooleanSupplier cancelled) throws IOException {
        if (vectors.dim() > WideVectorsCodec.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("vectors of " + vectors.dim() + " dimensions are wider than the "
                    + WideVectorsCodec.MAX_DIMENSIONS + " an approximate index takes");
        }
        ExecutorService merges = params.threads() > 1 ? Executors.newFixedThreadPool(params.threads(), r -> {
            Thread t = new Thread(r, "hnsw-merge");
            t.setDaemon(true);
            return t;
        }) : null;
        int workers = merges == null ? 1 : params.threads();
        KnnVectorsFormat format = params.quantized()
                ? new Lucene99HnswScalarQuantizedVectorsFormat(params.maxConn(), params.beamWidth(), workers, 7, false,
                        null, merges)
                : new Lucene99HnswVectorsFormat(params.maxConn(), params.beamWidth(), workers, merges);
        IndexWriterConfig config = new IndexWriterConfig().setCodec(new WideVectorsCodec(format))
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE).setRAMBufferSizeMB(params.ramBufferMb())
                .setUseCompoundFile(false);
        try (Directory directory = FSDirectory.open(dir); IndexWriter writer = new IndexWriter(directory, config)) {
            float[] row = new float[vectors.dim()];
            for (int i = 0; i < vectors.size(); i++) {
                if ((i & 1023) == 0) {
                    if (cancelled.getAsBoolean()) {
                        writer.rollback();
                        throw new IOException("cancelled");
                    }
                    progress.accept(i);
                }
                vectors.copyRow(i, row, 0);
                Document doc = new Document();
                doc.add(new KnnFloatVectorField(VECTOR_FIELD, unit(row), VectorSimilarityFunction.DOT_PRODUCT));
                doc.add(new NumericDocValuesField(ROW_FIELD, i));
                writer.addDocument(doc);
            }
            // one graph answers faster than one per segment
            writer.forceMerge(1);
            writer.commit();
            progress.accept(vectors.size());
        } finally {
            if (merges != null) {
                merges.shutdownNow();
            }
        }
    }

    /** {@code v} scaled to length 1 (a zero vector stays zero), as a new array. */
    static float[] unit(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        float[] out = new float[v.length];
        if (sum == 0) {
            return out;
        }
        double scale = 1 / Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * scale);
        }
        return out;
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
        TopDocs top;
        try {
            top = searcher.search(new KnnFloatVectorQuery(VECTOR_FIELD, unit(q.vector()), wanted), wanted);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search the HNSW index", e);
        }
        var excluded = exact.excluded(q);
        int[] rows = new int[top.scoreDocs.length];
        int n = 0;
        for (ScoreDoc hit : top.scoreDocs) {
            int row = rowOfDoc[hit.doc];
            if (excluded == null || !excluded.test(row)) {
                rows[n++] = row;
            }
        }
        List<ScoredRow> ranked = exact.scan().rerank(q.vector(), q.metric(), q.p(), java.util.Arrays.copyOf(rows, n),
                q.k());
        return exact.neighbours(new ArrayList<>(ranked));
    }

    @Override
    public void close() {
        try {
            reader.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
