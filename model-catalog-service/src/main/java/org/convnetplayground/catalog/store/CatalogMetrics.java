package org.convnetplayground.catalog.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** The model store's size for operators (Prometheus, /q/metrics): models served and models rejected by a check. */
@ApplicationScoped
public class CatalogMetrics {

    @Inject
    ModelStore store;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent event) {
        Gauge.builder("cnp.models", store, s -> s.list().size()).description("Models in the catalog").register(registry);
        Gauge.builder("cnp.models.rejected", store, s -> s.rejected().size())
                .description("Model folders left out because a check failed").register(registry);
    }
}
