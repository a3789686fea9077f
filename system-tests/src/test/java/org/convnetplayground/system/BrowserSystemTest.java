package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * The Semantic Search page in headless Chromium, clicked through as a user would ({@code frontend/e2e/run.mjs}):
 * defaults show 50 results with bars, every selector change shows 50 again, a result click becomes the query, an
 * upload finds its class, and the page logs no console errors; then vectors imported through the API (with a planted
 * near-duplicate pair) are searched by id and label, found as duplicates, evaluated and mapped without any image.
 * Screenshots go to target/screenshots.
 */
class BrowserSystemTest {

    @Test
    void semanticSearchWorksInHeadlessChromium() throws Exception {
        Path frontend = Repo.dir().resolve("frontend");
        int exit = ChildProcess.run(frontend.toFile(), Map.of(
                "CNP_BASE_URL", Stack.get().base(),
                "CNP_SCREENSHOTS", Repo.dir().resolve("target/screenshots").toString(),
                "CNP_SHARED_DIR", Repo.shared().toString()), Duration.ofMinutes(10), "node", "e2e/run.mjs");
        assertEquals(0, exit, "frontend/e2e/run.mjs failed (exit " + exit + "); its output is above");
    }
}
