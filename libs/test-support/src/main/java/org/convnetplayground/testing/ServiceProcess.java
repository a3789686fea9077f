package org.convnetplayground.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A packaged service started as a child process on a free loopback port, for tests that exercise the real
 * upstream service rather than a stand-in. The process is stopped when closed, or when the JVM exits.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Map<String, ServiceProcess> SHARED = new ConcurrentHashMap<>();

    private final String module;
    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(String module, Process process, int port, Path log) {
        this.module = module;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * One instance per module and JVM, started on first use and shared by every test class that asks.
     * Config keys are passed as system properties ({@code -Dkey=value}).
     */
    public static ServiceProcess shared(String module, Map<String, String> config) {
        return SHARED.computeIfAbsent(module, m -> {
            ServiceProcess p = start(m, config);
            Runtime.getRuntime().addShutdownHook(new Thread(p::close));
            return p;
        });
    }

    /** Starts {@code <module>} from its packaged jar and waits until it reports ready. */
    public static ServiceProcess start(String module, Map<String, String> config) {
        return start(module, config, List.of());
    }

    /** As {@link #start(String, Map)}, with extra JVM options (heap, modules). */
    public static ServiceProcess start(String module, Map<String, String> config, List<String> jvmOptions) {
        return start(module, config, jvmOptions, freePort());
    }

    /** As {@link #start(String, Map, List)}, on a given port (to restart a service where clients expect it). */
    public static ServiceProcess start(String module, Map<String, String> config, List<String> jvmOptions, int port) {
        Path jar = Repo.dir().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build the service first: ./mvnw -pl "
                    + module + " -am package -DskipTests");
        }
        Path logs = Repo.dir().resolve("target").resolve("service-logs");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx2g");
        // a JVM crash report goes beside the service's log, never into the working directory
        cmd.add("-XX:ErrorFile=" + logs.resolve("hs_err_" + module + "_pid%p.log"));
        if (module.equals("search-service")) {
            // lets the search-service rank with SIMD kernels, as scripts/run.sh does
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        cmd.addAll(jvmOptions);
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        config.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        try {
            Files.createDirectories(logs);
            Path log = logs.resolve(module + "-" + port + ".log");
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ServiceProcess service = new ServiceProcess(module, process, port, log);
            service.awaitReady(Duration.ofSeconds(120));
            return service;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + module + ": " + e.getMessage(), e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The operating system's id of the service's process (JVM crash reports are named after it). */
    public long pid() {
        return process.pid();
    }

    /**
     * Sends SIGTERM, as an orchestrator stopping the service does, and waits for it to exit.
     *
     * @return the exit code (143 for a JVM that ended on SIGTERM)
     * @throws IllegalStateException when it has not exited within {@code timeout} (it is then killed)
     */
    public int terminate(Duration timeout) {
        process.destroy();
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        throw new IllegalStateException(module + " did not exit within " + timeout + " of SIGTERM; log:\n" + tail());
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + "; log:\n" + tail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                process.waitFor(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException(module + " was not ready within " + timeout + "; log:\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
