package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * What a neuron draws, in headless Chromium ({@code frontend/e2e/drawing.mjs}): on a layer's view a channel's
 * picture arrives step by step and can be cancelled, the layer's grid fills in cell by cell without moving anything,
 * a channel chosen on one card is chosen on all and in the URL, refusals show in place; "Why similar?" offers
 * SmoothGrad and Grad-CAM maps - with no console errors, at 1366x768 and 390x844.
 */
class DrawingBrowserSystemTest {

    @Test
    void channelDrawingsAndGradientMapsWorkInHeadlessChromium() throws Exception {
        int exit = ChildProcess.run(Repo.dir().resolve("frontend").toFile(), Map.of(
                "CNP_BASE_URL", Stack.get().base(),
                "CNP_SCREENSHOTS", Repo.dir().resolve("target/screenshots").toString(),
                "CNP_SHARED_DIR", Repo.shared().toString()),
                Duration.ofMinutes(10), "node", "e2e/drawing.mjs");
        assertEquals(0, exit, "frontend/e2e/drawing.mjs failed (exit " + exit + "); its output is above");
    }
}
