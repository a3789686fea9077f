package org.convnetplayground.system;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a helper program (the browser test, the SciPy check) and copies its output into the test's output. */
final class ChildProcess {

    private ChildProcess() {
    }

    /** The exit code, or -1 when it did not end within {@code timeout} (it is then killed). */
    static int run(File dir, Map<String, String> env, Duration timeout, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        Thread pump = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    System.out.println("  | " + line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        pump.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            pump.join(5000);
            return -1;
        }
        pump.join(5000);
        return p.exitValue();
    }
}
