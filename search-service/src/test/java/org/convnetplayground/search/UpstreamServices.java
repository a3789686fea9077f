package org.convnetplayground.search;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.ServiceProcess;

/** Starts the real model-catalog-service and feature-service (packaged jars) and points the search-service at them. */
public class UpstreamServices implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String data = Repo.dir().resolve("target/test-data").toString();
        ServiceProcess catalog = ServiceProcess.shared("model-catalog-service", Map.of(
                "cnp.catalog.models-dir", Repo.models().toString(),
                "cnp.catalog.data-dir", data + "/catalog"));
        ServiceProcess features = ServiceProcess.shared("feature-service", Map.of(
                "cnp.features.datasets-dir", Repo.datasets().toString(),
                "cnp.features.data-dir", data + "/features",
                "quarkus.rest-client.catalog.url", catalog.url()));
        return Map.of("quarkus.rest-client.features.url", features.url(),
                "quarkus.rest-client.catalog.url", catalog.url());
    }

    @Override
    public void stop() {
        // shared by every test class; stopped when the test JVM exits
    }
}
