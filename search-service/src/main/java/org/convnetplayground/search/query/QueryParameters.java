package org.convnetplayground.search.query;

import java.util.List;
import java.util.Locale;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.MetricParams;

/**
 * A query's settings, validated: which collection, which metric (with p for minkowski), how many hits.
 *
 * @param key    the collection
 * @param metric the distance
 * @param p      the minkowski exponent (ignored by other metrics)
 * @param k      hits wanted
 */
public record QueryParameters(CollectionKey key, Metric metric, double p, int k) {

    public static final List<String> POOLINGS = List.of("avg", "max", "flatten");

    /**
     * The largest minkowski exponent accepted. Distances stay finite for any p (the kernels scale by the largest
     * difference), but beyond this minkowski is chebyshev, its limit, to within dimension^(1/p) - 1: 1.4% at a
     * million dimensions, 0.7% at 1,280.
     */
    public static final double MAX_P = 1000;
    /** The accepted range of p, as problems name it. */
    public static final String P_RANGE = "a number from 1 to 1000 (the minkowski exponent; chebyshev is its limit)";

    /** Checks every field; a bad one fails as invalid input that names it and the valid choices. */
    public static QueryParameters of(String dataset, String model, String layer, String pooling, String metric,
                                     Double p, Integer k, SearchConfig config) {
        require("dataset", dataset, "a dataset id from /api/features/datasets");
        require("model", model, "a model id from /api/catalog/models");
        require("layer", layer, "a layer name from /api/catalog/models/{model}/layers");
        String pool = pooling == null || pooling.isBlank() ? "avg" : pooling.trim().toLowerCase(Locale.ROOT);
        if (!POOLINGS.contains(pool)) {
            throw InvalidInputException.invalid("pooling", pooling, "one of " + POOLINGS);
        }
        Metric m = metric == null || metric.isBlank() ? Metric.COSINE : Metric.byName(metric).orElseThrow(() ->
                UnknownNameException.unknown("metric", metric, null, Metric.names(), "/api/search/metrics")
                        .asInvalidField());
        double exponent = p == null ? MetricParams.DEFAULT_P : p;
        if (!(exponent >= 1 && exponent <= MAX_P)) {
            throw InvalidInputException.invalid("p", p, P_RANGE);
        }
        int hits = k == null ? config.defaultK() : k;
        if (hits < 1 || hits > config.maxK()) {
            throw InvalidInputException.invalid("k", k, "an integer from 1 to " + config.maxK());
        }
        return new QueryParameters(new CollectionKey(dataset, model, layer, pool), m, exponent, hits);
    }

    private static void require(String name, String value, String expected) {
        if (value == null || value.isBlank()) {
            throw InvalidInputException.missing(name, expected);
        }
    }
}
