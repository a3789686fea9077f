package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * The user's own data in headless Chromium ({@code frontend/e2e/own-data.mjs}): a zip of 30 photos in 3 class folders
 * uploaded through "Add your images" with progress and its import result, searched at once (same class first), grown
 * by 2 loose images and deleted; a copy of a shared ONNX model imported through the "Import a model" form (a wrong
 * input size refused with the catalog's problem first), listed, opened and deleted; the zoo listed and a download's
 * outcome shown - with no console errors.
 */
class OwnDataBrowserSystemTest {

    @Test
    void ownImagesAndModelsWorkInHeadlessChromium() throws Exception {
        int exit = ChildProcess.run(Repo.dir().resolve("frontend").toFile(), Map.of(
                "CNP_BASE_URL", Stack.get().base(),
                "CNP_SCREENSHOTS", Repo.dir().resolve("target/screenshots").toString(),
                "CNP_SHARED_DIR", Repo.shared().toString()),
                Duration.ofMinutes(10), "node", "e2e/own-data.mjs");
        assertEquals(0, exit, "frontend/e2e/own-data.mjs failed (exit " + exit + "); its output is above");
    }
}
