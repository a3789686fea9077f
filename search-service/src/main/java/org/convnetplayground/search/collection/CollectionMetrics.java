package org.convnetplayground.search.collection;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;

/** Collection sizes for operators (Prometheus, /q/metrics): one gauge per stored collection, kept in step with the store. */
final class CollectionMetrics {

    private final MultiGauge sizes;

    CollectionMetrics(MeterRegistry registry) {
        this.sizes = MultiGauge.builder("cnp.collection.size")
                .description("Vectors in each stored collection").register(registry);
    }

    void update(List<CollectionMeta> collections) {
        sizes.register(collections.stream()
                .map(m -> MultiGauge.Row.of(Tags.of("dataset", m.key().dataset(), "model", m.key().model(),
                        "layer", m.key().layer(), "pooling", m.key().pooling()), m.size()))
                .toList(), true);
    }
}
