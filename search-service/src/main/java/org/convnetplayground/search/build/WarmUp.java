package org.convnetplayground.search.build;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.UnavailableException;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionStore;
import org.convnetplayground.search.config.SearchConfig;
import org.jboss.logging.Logger;

/**
 * Builds the configured default collections in the background after start-up, retrying while the feature-service
 * is still starting, so the first query of the demo is answered at once instead of with a progress bar.
 */
@ApplicationScoped
public class WarmUp {

    private static final Logger LOG = Logger.getLogger(WarmUp.class);
    private static final int ATTEMPTS = 60;

    @Inject
    SearchConfig config;

    @Inject
    CollectionStore store;

    @Inject
    CollectionBuilder builder;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warm-up");
        t.setDaemon(true);
        return t;
    });

    void onStart(@Observes StartupEvent event) {
        List<String> wanted = config.warmUp().orElse(List.of());
        for (String spec : wanted) {
            String[] parts = spec.trim().split("/", 3);
            if (parts.length != 3) {
                LOG.warnf("ignoring warm-up entry '%s': expected dataset/model/layer", spec);
                continue;
            }
            CollectionKey key = new CollectionKey(parts[0], parts[1], parts[2], "avg");
            if (store.meta(key).isEmpty()) {
                timer.schedule(() -> attempt(key, 1), 1, TimeUnit.SECONDS);
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    private void attempt(CollectionKey key, int n) {
        try {
            builder.build(key.dataset(), key.model(), List.of(key.layer()), key.pooling());
            LOG.infof("warm-up: building %s", key);
        } catch (DomainException e) {
            if (e instanceof UnavailableException && n < ATTEMPTS) {
                timer.schedule(() -> attempt(key, n + 1), 2, TimeUnit.SECONDS);
            } else {
                LOG.warnf("warm-up of %s skipped: %s", key, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warnf("warm-up of %s skipped: %s", key, e.getMessage());
        }
    }
}
