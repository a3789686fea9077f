package org.convnetplayground.features;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.ServiceProcess;

/** Starts the real model-catalog-service (packaged jar) on a free port and points the feature-service at it. */
public class CatalogService implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        ServiceProcess catalog = ServiceProcess.shared("model-catalog-service", Map.of(
                "cnp.catalog.models-dir", Repo.models().toString(),
                "cnp.catalog.data-dir", Repo.dir().resolve("target/test-data/catalog").toString()));
        return Map.of("quarkus.rest-client.catalog.url", catalog.url());
    }

    @Override
    public void stop() {
        // shared across test classes; stopped when the test JVM exits
    }
}
