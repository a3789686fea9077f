package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * The Evaluation (numbers and leaderboard), Embedding map and Duplicates pages in headless Chromium
 * ({@code frontend/e2e/analysis.mjs}): each renders, with no console errors, and links back to Semantic Search.
 */
class AnalysisBrowserSystemTest {

    @Test
    void evaluationMapAndDuplicatePagesWorkInHeadlessChromium() throws Exception {
        int exit = ChildProcess.run(Repo.dir().resolve("frontend").toFile(), Map.of(
                "CNP_BASE_URL", Stack.get().base(),
                "CNP_SCREENSHOTS", Repo.dir().resolve("target/screenshots").toString()),
                Duration.ofMinutes(10), "node", "e2e/analysis.mjs");
        assertEquals(0, exit, "frontend/e2e/analysis.mjs failed (exit " + exit + "); its output is above");
    }
}
