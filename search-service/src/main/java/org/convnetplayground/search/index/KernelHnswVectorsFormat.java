package org.convnetplayground.search.index;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.search.TaskExecutor;

/**
 * Lucene's HNSW vectors format ({@code Lucene99HnswVectorsFormat}, or {@code Lucene99HnswScalarQuantizedVectorsFormat}
 * with 7-bit quantization), assembled from Lucene's own writers and readers around a {@link FlatVectorsScorer} of our
 * choosing, and under Lucene's own format name: the files are byte for byte what Lucene's format writes (any Lucene
 * 9.12 reader opens them), only the scores computed while building and searching come from our SIMD kernels. It also
 * accepts vectors wider than Lucene's default limit of 1,024 dimensions (MobileNet v2's pooled embedding has 1,280),
 * as Solr's {@code SchemaCodecFactory} does.
 */
final class KernelHnswVectorsFormat extends KnnVectorsFormat {

    /** The widest vectors indexed approximately; wider ones (flattened maps) stay exact. */
    static final int MAX_DIMENSIONS = 4096;
    /** Lucene's name of its float HNSW format (the class has no constant for it). */
    static final String FLOAT_NAME = "Lucene99HnswVectorsFormat";
    /** Lucene's name of its int8-quantized HNSW format. */
    static final String QUANTIZED_NAME = Lucene99HnswScalarQuantizedVectorsFormat.NAME;

    private final int maxConn;
    private final int beamWidth;
    private final boolean quantized;
    private final FlatVectorsScorer scorer;
    private final FlatVectorsFormat raw;
    private final int mergeWorkers;
    private final TaskExecutor mergeExec;

    /**
     * @param scorer       scores vectors while graphs are built and searched
     * @param mergeWorkers threads that build a merged segment's graph; above 1, {@code mergeExec} runs them
     */
    KernelHnswVectorsFormat(int maxConn, int beamWidth, boolean quantized, FlatVectorsScorer scorer, int mergeWorkers,
                            ExecutorService mergeExec) {
        super(quantized ? QUANTIZED_NAME : FLOAT_NAME);
        if (maxConn <= 0 || maxConn > Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN) {
            throw new IllegalArgumentException("maxConn must be 1 to " + Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN
                    + "; maxConn=" + maxConn);
        }
        if (beamWidth <= 0 || beamWidth > Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH) {
            throw new IllegalArgumentException("beamWidth must be 1 to "
                    + Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH + "; beamWidth=" + beamWidth);
        }
        if ((mergeWorkers > 1) != (mergeExec != null)) {
            throw new IllegalArgumentException("an executor is needed exactly when there is more than one merge worker");
        }
        this.maxConn = maxConn;
        this.beamWidth = beamWidth;
        this.quantized = quantized;
        this.scorer = scorer;
        this.raw = new Lucene99FlatVectorsFormat(scorer);
        this.mergeWorkers = mergeWorkers;
        this.mergeExec = mergeExec == null ? null : new TaskExecutor(mergeExec);
    }

    /** A format for reading only: searches score with {@code scorer}; merging (writing) is single-threaded. */
    static KernelHnswVectorsFormat forReading(boolean quantized, FlatVectorsScorer scorer) {
        return new KernelHnswVectorsFormat(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN,
                Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH, quantized, scorer, 1, null);
    }

    @Override
    public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
        FlatVectorsWriter flat = raw.fieldsWriter(state);
        if (quantized) {
            // Lucene99HnswScalarQuantizedVectorsFormat's defaults: 7 bits, uncompressed, confidence from the dimension
            flat = new Lucene99ScalarQuantizedVectorsWriter(state, null, (byte) 7, false, flat, scorer);
        }
        return new Lucene99HnswVectorsWriter(state, maxConn, beamWidth, flat, mergeWorkers, mergeExec);
    }

    @Override
    public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
        FlatVectorsReader flat = raw.fieldsReader(state);
        if (quantized) {
            flat = new Lucene99ScalarQuantizedVectorsReader(state, flat, scorer);
        }
        return new Lucene99HnswVectorsReader(state, flat);
    }

    @Override
    public int getMaxDimensions(String fieldName) {
        return MAX_DIMENSIONS;
    }

    @Override
    public String toString() {
        return getName() + "(maxConn=" + maxConn + ", beamWidth=" + beamWidth + ", scorer=" + scorer
                + ", max dimensions " + MAX_DIMENSIONS + ")";
    }
}
