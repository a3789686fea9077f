package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * Distances and rankings agree with SciPy's cdist on the stored vectors, for every metric, checked by SciPy itself
 * ({@code scripts/check-scipy.py}). Skipped, with a message, where Python with SciPy is not installed; the same
 * agreement is also asserted without Python by the vector-kernels fixtures and the search-service tests.
 */
class ScipyAgreementSystemTest {

    @Test
    void everyMetricAgreesWithScipyCdist() throws Exception {
        assumeTrue(run(null, "python3", "-c", "import scipy, numpy") == 0,
                "python3 with scipy and numpy is not installed: SciPy cross-check skipped");
        Path script = Repo.dir().resolve("scripts/check-scipy.py");
        assertEquals(0, run(script.getParent().toFile(), "python3", script.toString(), Stack.get().base()),
                "scripts/check-scipy.py found a disagreement (its output is above)");
    }

    private static int run(java.io.File dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir).inheritIO().start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
