package org.convnetplayground.search.index;

import org.convnetplayground.vectors.Metric;

/**
 * Nearest neighbours of one collection, whatever answers them: an exact scan of the stored vectors, an embedded
 * approximate index, or (next) a remote search engine. Queries, evaluation, duplicates and projections go through
 * this interface; items are named by id, so an implementation need not expose rows.
 *
 * <p>Every implementation reports exact distances (approximate ones re-rank their candidates exactly), answers every
 * metric (exactly where it cannot approximate it) and says which way it answered.
 */
public interface VectorIndex extends AutoCloseable {

    /** What answers: "exact", "hnsw", ... */
    String kind();

    /** Items indexed. */
    int size();

    /** Values per vector. */
    int dimension();

    /** Whether {@code metric} can be answered approximately; others are always answered exactly. */
    boolean approximates(Metric metric);

    /** Whether the approximate structure is ready (false while it is being built, or for an exact index). */
    boolean approximateReady();

    /**
     * The {@code k} items nearest to the query.
     *
     * @throws IllegalArgumentException for a vector of the wrong dimension or with non-finite values, or k < 0
     */
    IndexAnswer search(IndexQuery query);

    /** Releases what the index holds open (files, readers). */
    @Override
    void close();
}
