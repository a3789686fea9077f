package org.convnetplayground.catalog;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Each start of the service under test gets an empty data directory, so models imported or downloaded by an earlier
 * run (or an earlier test profile) never show up in the lists and counts another test checks.
 */
public class FreshCatalogData implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            Path root = Files.createDirectories(Path.of("target/test-data"));
            return Map.of("cnp.catalog.data-dir", Files.createTempDirectory(root, "catalog-").toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // Kept for inspection after a failing run; `mvn clean` removes it.
    }
}
