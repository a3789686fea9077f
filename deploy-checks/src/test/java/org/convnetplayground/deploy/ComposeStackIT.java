package org.convnetplayground.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The whole stack from docker-compose.yml, built from this checkout, and one search through the web UI's
 * origin exactly as the browser makes it. Needs a Docker engine and the `docker compose` CLI; without them it is
 * skipped and says so. {@code -Dcnp.stack.url=http://localhost:8080} runs the same search against a stack that
 * is already up (`docker compose up`) instead of starting one.
 */
class ComposeStackIT {

    private static final String DATASET = "caltech101-iconic200";
    private static final String MODEL = "mobilenet_v2_1.0_224";
    private static final String LAYER = "global_pool";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static ComposeContainer stack;
    private static String base;
    private static String skipReason;

    /** Reported by the test as skipped, and printed, so the reason shows even with `mvn -q`. */
    private static void skip(String reason) {
        skipReason = reason;
        System.out.println("[deploy-checks] " + reason);
    }

    @BeforeAll
    static void startTheStack() throws Exception {
        String given = System.getProperty("cnp.stack.url", "").trim();
        if (!given.isEmpty()) {
            base = given.replaceAll("/+$", "");
            System.out.println("[deploy-checks] compose stack test against the running stack at " + base);
            return;
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            skip("no Docker engine (none at DOCKER_HOST or /var/run/docker.sock): compose stack test skipped");
            return;
        }
        if (!composeCli()) {
            skip("no `docker compose` CLI: compose stack test skipped");
            return;
        }
        Path shared = Path.of(System.getProperty("cnp.shared.dir", Repo.root().resolve("../shared").toString())).toAbsolutePath().normalize();
        if (!Files.isDirectory(shared.resolve("models")) || !Files.isDirectory(shared.resolve("datasets"))) {
            skip("no models and datasets at " + shared + ": compose stack test skipped");
            return;
        }

        // Free host ports, so a stack or `make run` already on 8080-8083 does not collide with the test's.
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNP_SHARED_DIR", shared.toString());
        int uiPort = freePort();
        env.put("CNP_PORT", String.valueOf(uiPort));
        env.put("CNP_CATALOG_PORT", String.valueOf(freePort()));
        env.put("CNP_FEATURES_PORT", String.valueOf(freePort()));
        env.put("CNP_SEARCH_PORT", String.valueOf(freePort()));

        Duration startup = Duration.ofMinutes(10);
        stack = new ComposeContainer(Repo.composeFile().toFile())
                .withLocalCompose(true)
                .withBuild(true)
                .withPull(false) // nothing to pull: every service is built here (the build pulls the base images)
                .withEnv(env)
                .waitingFor("model-catalog-service", Wait.forHealthcheck().withStartupTimeout(startup))
                .waitingFor("feature-service", Wait.forHealthcheck().withStartupTimeout(startup))
                .waitingFor("search-service", Wait.forHealthcheck().withStartupTimeout(startup))
                .waitingFor(Deployment.FRONTEND, Wait.forHealthcheck().withStartupTimeout(startup));
        System.out.println("[deploy-checks] building and starting docker-compose.yml (the first build takes minutes)");
        stack.start();
        base = "http://" + DockerClientFactory.instance().dockerHostIpAddress() + ":" + uiPort;
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void aSearchThroughTheWebUiOriginReturns50Hits() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        // The UI itself.
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<div id=\"app\">"), "the UI's index.html is not served");

        // An image of the dataset, through the feature-service's proxy.
        HttpResponse<String> images = get("/api/features/datasets/" + DATASET + "/images?limit=1");
        assertEquals(200, images.statusCode(), images.body());
        String queryId = Compose.JSON.readTree(images.body()).path("items").path(0).path("id").asText();
        assertFalse(queryId.isEmpty(), "the dataset lists no image: " + images.body());

        // The search, waiting for the collection to be built when the first answer is 202.
        Map<String, Object> query = Map.of("dataset", DATASET, "model", MODEL, "layer", LAYER, "metric", "cosine", "k", 50,
                "queryId", queryId);
        HttpResponse<String> answer = post("/api/search/query", query);
        if (answer.statusCode() == 202) {
            awaitJob(Compose.JSON.readTree(answer.body()).path("job").asText());
            answer = post("/api/search/query", query);
        }
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode hits = Compose.JSON.readTree(answer.body()).path("hits");
        assertEquals(50, hits.size(), "hits: " + hits);
        for (JsonNode hit : hits) {
            assertFalse(hit.path("id").asText().isEmpty(), "hit without id: " + hit);
            double similarity = hit.path("similarity").asDouble(-1);
            assertTrue(similarity >= 0 && similarity <= 100, "similarity out of range: " + hit);
        }

        // Errors keep their one shape through the proxy.
        HttpResponse<String> unknown = get("/api/nowhere");
        assertEquals(404, unknown.statusCode());
        assertEquals("application/problem+json", unknown.headers().firstValue("content-type").orElse("").split(";")[0]);
    }

    private static void awaitJob(String job) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = get(job);
            assertEquals(200, r.statusCode(), r.body());
            String state = Compose.JSON.readTree(r.body()).path("state").asText();
            if (state.equals("succeeded")) {
                return;
            }
            assertFalse(state.equals("failed") || state.equals("cancelled"), "the collection build ended " + state + ": " + r.body());
            TimeUnit.MILLISECONDS.sleep(500); // poll interval
        }
        throw new AssertionError("the collection build " + job + " did not finish in 10 minutes");
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, Object body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Compose.JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean composeCli() {
        try {
            Process p = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
