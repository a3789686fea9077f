package org.convnetplayground.search.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.hnsw.ScalarQuantizedVectorScorer;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.NeighborQueue;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues;
import org.apache.lucene.util.quantization.ScalarQuantizer;
import org.convnetplayground.vectors.GraphKernels;
import org.convnetplayground.vectors.MappedRows;

/**
 * Lucene's HNSW search over one segment's graph and its 7-bit quantized vectors, step for step as Lucene 9.12's
 * {@code HnswGraphSearcher} does it (greedy descent through the upper levels, then a beam of {@code k} on level 0,
 * the same comparisons in the same order, Lucene's own queues), with one difference: the unvisited neighbours of a
 * node are scored four at a time ({@link GraphKernels#dot4}) straight from the memory-mapped vectors file, where
 * Lucene scores one at a time from a copy. A walk is mostly waiting for vectors to arrive from memory; four rows
 * requested together overlap those waits (FAISS's HNSW does the same). Scores are Lucene's bit for bit (exact int8
 * sums, the same float formula), so the candidates are the ones Lucene's searcher finds on the same graph.
 *
 * <p>The graph is read through Lucene's reader; the vectors file is mapped here, its layout (rows of {@code dim}
 * bytes and a little-endian float correction, then Lucene's footer) checked against Lucene's own reading of it when
 * the walk opens. Only dot-product fields are served (the index's unit-length rows). The file is mapped by
 * {@link MappedRows}, as a collection's vectors are.
 */
final class QuantizedGraphWalk {

    /** Rows sampled when the walk opens to check the mapped layout against Lucene's reader. */
    private static final int LAYOUT_SAMPLES = 64;

    private final Lucene99HnswVectorsReader reader;
    private final String field;
    private final ScalarQuantizer quantizer;
    private final float multiplier;
    private final GraphKernels kernels;
    private final int size;
    private final int dim;
    /** The rows: {@code dim} bytes and a float correction each. */
    private final MappedRows rows;

    private QuantizedGraphWalk(Lucene99HnswVectorsReader reader, String field, ScalarQuantizer quantizer,
                               GraphKernels kernels, int dim, MappedRows rows) {
        this.reader = reader;
        this.field = field;
        this.quantizer = quantizer;
        this.multiplier = quantizer.getConstantMultiplier();
        this.kernels = kernels;
        this.size = rows.size();
        this.dim = dim;
        this.rows = rows;
    }

    /**
     * The walk over {@code field} of a segment whose quantized vectors are the file {@code vectorsFile}, or null when
     * the field is not one it serves (not 7-bit quantized, not dot product).
     *
     * @throws IOException when the file cannot be mapped or does not hold what Lucene's reader reads
     */
    static QuantizedGraphWalk open(Lucene99HnswVectorsReader reader, String field,
                                   VectorSimilarityFunction similarity, Path vectorsFile, int size, int dim,
                                   GraphKernels kernels) throws IOException {
        return open(reader, field, similarity, vectorsFile, size, dim, kernels, MappedRows.MAX_CHUNK_BYTES);
    }

    /** {@link #open} mapping at most {@code maxChunkBytes} a buffer (tests use small ones to see several). */
    static QuantizedGraphWalk open(Lucene99HnswVectorsReader reader, String field,
                                   VectorSimilarityFunction similarity, Path vectorsFile, int size, int dim,
                                   GraphKernels kernels, long maxChunkBytes) throws IOException {
        ScalarQuantizer quantizer = reader.getQuantizationState(field);
        if (quantizer == null || quantizer.getBits() != 7 || similarity != VectorSimilarityFunction.DOT_PRODUCT
                || size == 0) {
            return null;
        }
        int rowBytes = dim + Float.BYTES;
        MappedRows rows;
        try (FileChannel channel = FileChannel.open(vectorsFile, StandardOpenOption.READ)) {
            long start = channel.size() - CodecUtil.footerLength() - (long) size * rowBytes;
            if (start < 0 || start % Float.BYTES != 0) {
                throw new IOException(vectorsFile + " is not " + size + " rows of " + rowBytes + " bytes");
            }
            rows = MappedRows.map(channel, start, rowBytes, size, maxChunkBytes);
        }
        QuantizedGraphWalk walk = new QuantizedGraphWalk(reader, field, quantizer, kernels, dim, rows);
        walk.checkLayout(reader.getQuantizedVectorValues(field));
        return walk;
    }

    /** Compares sampled mapped rows with Lucene's reading of them: bytes and correction alike. */
    private void checkLayout(QuantizedByteVectorValues lucene) throws IOException {
        byte[] mapped = new byte[dim];
        int step = Math.max(1, size / LAYOUT_SAMPLES);
        for (int row = 0; row < size; row = row == size - 1 ? size : Math.min(row + step, size - 1)) {
            if (lucene.advance(row) != row) {
                throw new IOException("Lucene's quantized vectors have no row " + row);
            }
            chunk(row).get(offset(row), mapped);
            if (!Arrays.equals(mapped, lucene.vectorValue())
                    || Float.compare(correction(row), lucene.getScoreCorrectionConstant()) != 0) {
                throw new IOException("the mapped quantized vectors differ from Lucene's at row " + row);
            }
        }
    }

    private ByteBuffer chunk(int row) {
        return rows.chunk(row);
    }

    private int offset(int row) {
        return rows.offsetInChunk(row);
    }

    private float correction(int row) {
        return chunk(row).getFloat(offset(row) + dim);
    }

    /** The {@code k} rows the graph finds best for the unit-length {@code query}, best first, with Lucene's scores. */
    ScoreDoc[] search(float[] query, int k) throws IOException {
        byte[] bytes = new byte[dim];
        float queryOffset = ScalarQuantizedVectorScorer.quantizeQuery(query, bytes,
                VectorSimilarityFunction.DOT_PRODUCT, quantizer);
        HnswGraph graph = reader.getGraph(field);
        TopKnnCollector results = new TopKnnCollector(k, Integer.MAX_VALUE);
        int entry = graph.entryNode();
        if (entry != -1) {
            Walk walk = new Walk(bytes, queryOffset);
            walk.level0(graph, walk.bestEntry(graph, entry), results);
        }
        return results.topDocs().scoreDocs;
    }

    /** One query's state: visited rows and the batch being scored. */
    private final class Walk {
        private final byte[] query;
        private final float queryOffset;
        /** Rows visited on level 0, one bit each; above it, where a walk visits a few dozen rows, a set. */
        private final long[] visited = new long[(size + 63) >>> 6];
        private final Set<Integer> visitedAbove = new HashSet<>();
        private int level;
        private int[] batch = new int[64];
        private float[] scores = new float[64];
        private final int[] dots = new int[4];

        Walk(byte[] query, float queryOffset) {
            this.query = query;
            this.queryOffset = queryOffset;
        }

        /** HnswGraphSearcher.findBestEntryPoint: greedy on every level above 0. */
        int bestEntry(HnswGraph graph, int entry) throws IOException {
            if (graph.numLevels() == 1) {
                return entry;
            }
            int current = entry;
            float currentScore = score(entry);
            for (level = graph.numLevels() - 1; level >= 1; level--) {
                visit(current);
                boolean foundBetter = true;
                while (foundBetter) {
                    foundBetter = false;
                    int n = unvisitedNeighbours(graph, current);
                    for (int i = 0; i < n; i++) {
                        if (scores[i] > currentScore) {
                            currentScore = scores[i];
                            current = batch[i];
                            foundBetter = true;
                        }
                    }
                }
            }
            return current;
        }

        /** HnswGraphSearcher.searchLevel on level 0 from {@code entry}, collecting into {@code results}. */
        void level0(HnswGraph graph, int entry, TopKnnCollector results) throws IOException {
            // Lucene clears its visited set here: the rows visited above are visited again
            level = 0;
            NeighborQueue candidates = new NeighborQueue(results.k(), true);
            visit(entry);
            float entryScore = score(entry);
            candidates.add(entry, entryScore);
            results.collect(entry, entryScore);
            float minAccepted = results.minCompetitiveSimilarity();
            while (candidates.size() > 0 && candidates.topScore() >= minAccepted) {
                int n = unvisitedNeighbours(graph, candidates.pop());
                for (int i = 0; i < n; i++) {
                    if (scores[i] > minAccepted) {
                        candidates.add(batch[i], scores[i]);
                        if (results.collect(batch[i], scores[i])) {
                            minAccepted = results.minCompetitiveSimilarity();
                        }
                    }
                }
            }
        }

        /** Marks {@code row} visited; whether it already was. */
        private boolean visit(int row) {
            if (level > 0) {
                return !visitedAbove.add(row);
            }
            long bit = 1L << row;
            long word = visited[row >>> 6];
            visited[row >>> 6] = word | bit;
            return (word & bit) != 0;
        }

        /** The not yet visited neighbours of {@code node} on the current level into batch, scored; how many. */
        private int unvisitedNeighbours(HnswGraph graph, int node) throws IOException {
            graph.seek(level, node);
            int n = 0;
            for (int friend = graph.nextNeighbor(); friend != DocIdSetIterator.NO_MORE_DOCS;
                 friend = graph.nextNeighbor()) {
                if (!visit(friend)) {
                    if (n == batch.length) {
                        batch = Arrays.copyOf(batch, 2 * n);
                        scores = Arrays.copyOf(scores, 2 * n);
                    }
                    batch[n++] = friend;
                }
            }
            for (int i = 0; i < n; i += 4) {
                // a short last group repeats its first row: its extra sums are discarded
                int a = batch[i];
                int b = i + 1 < n ? batch[i + 1] : a;
                int c = i + 2 < n ? batch[i + 2] : a;
                int d = i + 3 < n ? batch[i + 3] : a;
                kernels.dot4(query, chunk(a), offset(a), chunk(b), offset(b), chunk(c), offset(c), chunk(d),
                        offset(d), dots);
                for (int j = 0; j < 4 && i + j < n; j++) {
                    scores[i + j] = score(dots[j], batch[i + j]);
                }
            }
            return n;
        }

        private float score(int row) {
            kernels.dot4(query, chunk(row), offset(row), chunk(row), offset(row), chunk(row), offset(row),
                    chunk(row), offset(row), dots);
            return score(dots[0], row);
        }

        /** Lucene's quantized dot-product score (as KernelVectorsScorer computes it, in the same order). */
        private float score(int dot, int row) {
            float adjusted = dot * multiplier + queryOffset + correction(row);
            return Math.max((1 + adjusted) / 2, 0f);
        }
    }
}
