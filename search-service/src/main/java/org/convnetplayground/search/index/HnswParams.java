package org.convnetplayground.search.index;

/**
 * How an HNSW index is built and searched.
 *
 * @param maxConn     neighbours per node (Lucene's M)
 * @param beamWidth   candidates considered while inserting (efConstruction)
 * @param quantized   store int8 scalar-quantized vectors for the graph search (a quarter of the float bytes to keep
 *                    in memory while searching; the floats stay on disk for the exact re-rank)
 * @param oversample  candidates asked of the graph per neighbour wanted (then re-ranked exactly)
 * @param minCandidates the fewest candidates asked of the graph (its search beam, efSearch)
 * @param threads     threads building the graph
 */
public record HnswParams(int maxConn, int beamWidth, boolean quantized, double oversample, int minCandidates,
                         int threads) {

    public HnswParams {
        if (maxConn < 2 || maxConn > 512) {
            throw new IllegalArgumentException("maxConn must be 2 to 512, got " + maxConn);
        }
        if (beamWidth < 1 || beamWidth > 3200) {
            throw new IllegalArgumentException("beamWidth must be 1 to 3200, got " + beamWidth);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (!(oversample >= 1)) {
            throw new IllegalArgumentException("oversample must be >= 1, got " + oversample);
        }
    }

    /** Candidates asked of the graph for {@code k} neighbours. */
    public int candidates(int k) {
        return (int) Math.max(minCandidates, Math.ceil(k * oversample));
    }
}
