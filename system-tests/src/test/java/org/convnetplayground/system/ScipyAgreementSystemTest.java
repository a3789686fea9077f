package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
        Path scripts = Repo.dir().resolve("scripts");
        boolean scipy;
        try {
            scipy = ChildProcess.run(scripts.toFile(), Map.of(), Duration.ofMinutes(1), "python3", "-c",
                    "import scipy, numpy") == 0;
        } catch (IOException noPython) {
            scipy = false;
        }
        assumeTrue(scipy, "python3 with scipy and numpy is not installed: SciPy cross-check skipped");
        assertEquals(0, ChildProcess.run(scripts.toFile(), Map.of(), Duration.ofMinutes(10), "python3",
                "check-scipy.py", Stack.get().base()), "scripts/check-scipy.py found a disagreement (its output is above)");
    }
}
