package org.convnetplayground.search.ranking;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.convnetplayground.search.background.Footprint;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.vectors.Metric;

/**
 * Each collection version's typical (median) distance per metric and p, which turns distances into similarity
 * percentages and scales the duplicate thresholds: computed once, kept within a byte budget (every minkowski p a
 * client tries is a new entry).
 */
@ApplicationScoped
public class SimilarityScales {

    /** A kept scale: its key, a boxed double and the cache's node. */
    private static final long ENTRY = Footprint.BOXED + 64;

    private final Cache<String, Double> scales;

    @Inject
    public SimilarityScales(SearchConfig config, MeterRegistry registry) {
        this(config.similarityCacheMaxBytes(), registry);
    }

    public SimilarityScales(long maxBytes, MeterRegistry registry) {
        this.scales = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Double value) -> (int) (Footprint.string(key) + ENTRY))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(registry, scales, "similarity");
    }

    /** The median distance between two items of {@code c} under {@code metric} (see {@link Similarity}). */
    public double typical(VectorCollection c, Metric metric, double p) {
        String key = c.key() + "|" + c.meta().createdAt() + "|" + metric.id() + "|" + p;
        return scales.get(key, k -> Similarity.typicalDistance(c, metric, p));
    }
}
