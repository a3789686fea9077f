package org.convnetplayground.search.index;

/**
 * One neighbour found by a {@link VectorIndex}: an item of the collection, by its row in the collection version the
 * index was opened on (so callers need not look the id up again: at a million items each lookup is a few cache misses)
 * and by its id, and its exact distance to the query.
 *
 * @param row      the item's row in the index's collection version
 * @param id       the item id
 * @param distance the exact (SciPy) distance; NaN where the metric is undefined
 */
public record Neighbour(int row, String id, double distance) {
}
