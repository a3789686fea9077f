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
 * Ready when the collection store is writable: stored collections then answer queries, evaluations, maps and
 * duplicate scans whatever the other services do. The feature-service, needed only to build collections and to embed
 * uploaded images, is reported as data ({@code featureService}: reachable, or why not; {@code canBuild}), so that a
 * load balancer keeps sending the queries this service can answer while it is down.
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
                .status(writable)
                .withData("dataDir", root.toString())
                .withData("writable", writable)
                .withData("collections", store.list().size())
                .withData("featureService", features.url() + (featuresProblem == null ? " (reachable)" : " (" + featuresProblem + ")"))
                .withData("canBuild", featuresProblem == null)
                .build();
    }
}
