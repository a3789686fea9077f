package org.convnetplayground.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The web frontend's Node server ({@code frontend/server.mjs}) as a child process on a free port. */
public final class NodeProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private NodeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the server with the given environment (e.g. CNP_SEARCH_URL) and waits until it answers. */
    public static NodeProcess start(Map<String, String> env) {
        Path frontend = Repo.dir().resolve("frontend");
        if (!Files.isRegularFile(frontend.resolve("dist/index.html"))) {
            throw new IllegalStateException("frontend/dist is missing; build it first: ./mvnw -pl frontend package");
        }
        int port = ServiceProcess.freePort();
        try {
            Path logs = Files.createDirectories(Repo.dir().resolve("target/service-logs"));
            Path log = logs.resolve("frontend-" + port + ".log");
            ProcessBuilder pb = new ProcessBuilder(List.of("node", "server.mjs")).directory(frontend.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            pb.environment().put("PORT", Integer.toString(port));
            NodeProcess node = new NodeProcess(pb.start(), port, log);
            node.awaitUp(Duration.ofSeconds(30));
            return node;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the frontend server: " + e.getMessage(), e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    private void awaitUp(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the frontend server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url() + "/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("the frontend server did not answer within " + timeout + "; see " + log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
