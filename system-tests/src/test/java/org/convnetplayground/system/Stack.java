package org.convnetplayground.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.convnetplayground.testing.NodeProcess;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.ServiceProcess;

/**
 * The whole system as {@code make run} starts it (three packaged services and the web frontend's server on one
 * origin), on free loopback ports with a fresh data directory. One instance per test JVM, shared by every system
 * test; stopped when the JVM exits.
 */
final class Stack {

    private static Stack instance;

    final Path data;
    final ServiceProcess catalog;
    private ServiceProcess features;
    private final int featuresPort;
    private ServiceProcess search;
    private final int searchPort;
    final NodeProcess frontend;

    private Stack() throws IOException {
        data = Repo.dir().resolve("system-tests/target/system-data");
        deleteTree(data);
        catalog = ServiceProcess.start("model-catalog-service", Map.of(
                "cnp.catalog.models-dir", Repo.models().toString(),
                "cnp.catalog.data-dir", data.resolve("catalog").toString()));
        featuresPort = ServiceProcess.freePort();
        features = startFeatures();
        searchPort = ServiceProcess.freePort();
        search = startSearch();
        frontend = NodeProcess.start(Map.of(
                "CNP_CATALOG_URL", catalog.url(),
                "CNP_FEATURES_URL", features.url(),
                "CNP_SEARCH_URL", search.url()));
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    static synchronized Stack get() {
        if (instance == null) {
            try {
                instance = new Stack();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    /** The one origin the browser uses: the frontend server, which proxies /api/... to the services. */
    String base() {
        return frontend.url();
    }

    ServiceProcess search() {
        return search;
    }

    ServiceProcess features() {
        return features;
    }

    synchronized void stopFeatures() {
        features.close();
    }

    synchronized void startFeaturesAgain() {
        if (!features.isAlive()) {
            features = startFeatures();
        }
    }

    private ServiceProcess startFeatures() {
        return ServiceProcess.start("feature-service", Map.of(
                "cnp.features.datasets-dir", Repo.datasets().toString(),
                "cnp.features.data-dir", data.resolve("features").toString(),
                "quarkus.rest-client.catalog.url", catalog.url()), List.of(), featuresPort);
    }

    /** Stops the search-service and starts it again on the same port and data directory. */
    synchronized void restartSearch() {
        stopSearch();
        search = startSearch();
    }

    synchronized void stopSearch() {
        search.close();
    }

    synchronized void startSearchAgain() {
        if (!search.isAlive()) {
            search = startSearch();
        }
    }

    private ServiceProcess startSearch() {
        return ServiceProcess.start("search-service", Map.of(
                "cnp.search.data-dir", data.resolve("search").toString(),
                "quarkus.rest-client.features.url", features.url(),
                "quarkus.rest-client.catalog.url", catalog.url()), List.of(), searchPort);
        // the demo warm-up stays on: the browser test then finds the default view ready, as a visitor would
    }

    private void close() {
        frontend.close();
        search.close();
        features.close();
        catalog.close();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
