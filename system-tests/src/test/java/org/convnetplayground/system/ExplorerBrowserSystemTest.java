package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * The Model Explorer in headless Chromium ({@code frontend/e2e/explorer.mjs}): the model list, a model's layer table
 * and graph, a layer with its filters, activation maps, channel examples and predictions, and "Why similar?" on a
 * search result - with no console errors.
 */
class ExplorerBrowserSystemTest {

    @Test
    void modelExplorerWorksInHeadlessChromium() throws Exception {
        int exit = ChildProcess.run(Repo.dir().resolve("frontend").toFile(), Map.of(
                "CNP_BASE_URL", Stack.get().base(),
                "CNP_SCREENSHOTS", Repo.dir().resolve("target/screenshots").toString(),
                "CNP_SHARED_DIR", Repo.shared().toString()),
                Duration.ofMinutes(10), "node", "e2e/explorer.mjs");
        assertEquals(0, exit, "frontend/e2e/explorer.mjs failed (exit " + exit + "); its output is above");
    }
}
