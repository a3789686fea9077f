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
 * test; stopped when the JVM exits. A test that needs the system configured otherwise starts its own with
 * {@link #startSeparate} and closes it.
 */
final class Stack implements AutoCloseable {

    private static Stack instance;

    final Path data;
    final ServiceProcess catalog;
    private ServiceProcess features;
    private final int featuresPort;
    private ServiceProcess search;
    private final int searchPort;
    final NodeProcess frontend;
    /** Config keys given to every service on top of each one's own. */
    private final Map<String, String> common;

    private Stack(String dataDir, Map<String, String> common) throws IOException {
        this.common = Map.copyOf(common);
        data = Repo.dir().resolve("system-tests/target").resolve(dataDir);
        deleteTree(data);
        catalog = ServiceProcess.start("model-catalog-service", with(Map.of(
                "cnp.catalog.models-dir", Repo.models().toString(),
                "cnp.catalog.data-dir", data.resolve("catalog").toString())));
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
                instance = new Stack("system-data", Map.of());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    /**
     * A system of its own, with {@code config} given to every service (e.g. an access token) and no demo warm-up;
     * the caller closes it.
     */
    static Stack startSeparate(String name, Map<String, String> config) {
        Map<String, String> all = new java.util.HashMap<>(config);
        all.put("cnp.search.warm-up", "");
        try {
            return new Stack("system-data-" + name, all);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> with(Map<String, String> own) {
        Map<String, String> all = new java.util.HashMap<>(common);
        all.putAll(own);
        return all;
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
        return ServiceProcess.start("feature-service", with(Map.of(
                "cnp.features.datasets-dir", Repo.datasets().toString(),
                "cnp.features.data-dir", data.resolve("features").toString(),
                "quarkus.rest-client.catalog.url", catalog.url())), List.of(), featuresPort);
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
        return ServiceProcess.start("search-service", with(Map.of(
                "cnp.search.data-dir", data.resolve("search").toString(),
                "quarkus.rest-client.features.url", features.url(),
                "quarkus.rest-client.catalog.url", catalog.url())), List.of(), searchPort);
        // the demo warm-up stays on: the browser test then finds the default view ready, as a visitor would
    }

    @Override
    public void close() {
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
