package org.convnetplayground.search.index;

import java.util.Objects;
import java.util.Set;
import org.convnetplayground.vectors.Metric;

/**
 * A nearest-neighbour question to a {@link VectorIndex}.
 *
 * @param vector  the query vector, of the index's dimension, finite values
 * @param metric  the distance
 * @param p       the minkowski exponent (ignored by other metrics)
 * @param k       neighbours wanted
 * @param exclude item ids left out (the query item itself)
 * @param mode    exact, approximate or auto
 */
public record IndexQuery(float[] vector, Metric metric, double p, int k, Set<String> exclude, SearchMode mode) {

    public IndexQuery {
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(metric, "metric");
        exclude = exclude == null ? Set.of() : Set.copyOf(exclude);
        mode = mode == null ? SearchMode.AUTO : mode;
    }
}
