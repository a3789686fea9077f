package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * The Semantic Search page in headless Chromium, clicked through as a user would ({@code frontend/e2e/run.mjs}):
 * defaults show 50 results with bars, every selector change shows 50 again, a result click becomes the query, an
 * upload finds its class, and the page logs no console errors. Screenshots go to target/screenshots.
 */
class BrowserSystemTest {

    @Test
    void semanticSearchWorksInHeadlessChromium() throws Exception {
        Path frontend = Repo.dir().resolve("frontend");
        ProcessBuilder pb = new ProcessBuilder("node", "e2e/run.mjs").directory(frontend.toFile()).inheritIO();
        pb.environment().put("CNP_BASE_URL", Stack.get().base());
        pb.environment().put("CNP_SCREENSHOTS", Repo.dir().resolve("target/screenshots").toString());
        pb.environment().put("CNP_SHARED_DIR", Repo.shared().toString());
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the browser test did not finish in 10 minutes");
        }
        assertEquals(0, p.exitValue(), "frontend/e2e/run.mjs failed; its output is above");
    }
}
