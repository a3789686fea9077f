package org.convnetplayground.search.index;

/**
 * One neighbour found by a {@link VectorIndex}: an item of the collection by its id (a remote backend knows items by
 * id, not by row) and its exact distance to the query.
 *
 * @param id       the item id
 * @param distance the exact (SciPy) distance; NaN where the metric is undefined
 */
public record Neighbour(String id, double distance) {
}
