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
 * Ready when the collection store is writable and the feature-service answers. Without the feature-service the
 * service still answers queries on stored collections; it only cannot build new ones or embed uploads.
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
        String featuresProblem = features.problem();
        return HealthCheckResponse.named("collection-store")
                .status(writable && featuresProblem == null)
                .withData("dataDir", root.toString())
                .withData("writable", writable)
                .withData("collections", store.list().size())
                .withData("featureService", features.url() + (featuresProblem == null ? " (reachable)" : " (" + featuresProblem + ")"))
                .build();
    }
}
