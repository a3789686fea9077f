package org.convnetplayground.search.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.convnetplayground.search.collection.CollectionStore;
import org.convnetplayground.search.features.FeatureService;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the collection store is writable. The feature-service is reported but does not decide readiness:
 * queries on stored collections work without it.
 */
@Readiness
@ApplicationScoped
public class SearchReadiness implements HealthCheck {

    @Inject
    CollectionStore store;

    @Inject
    FeatureService features;

    @Override
    public HealthCheckResponse call() {
        Path root = store.root();
        boolean writable = Files.isDirectory(root) && Files.isWritable(root);
        return HealthCheckResponse.named("collection-store")
                .status(writable)
                .withData("dataDir", root.toString())
                .withData("writable", writable)
                .withData("collections", store.list().size())
                .withData("featureService", features.url() + (features.reachable() ? " (reachable)" : " (unreachable)"))
                .build();
    }
}
