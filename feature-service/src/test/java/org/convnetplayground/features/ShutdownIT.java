package org.convnetplayground.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.stream.Stream;
import org.convnetplayground.files.FileTrees;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the packaged feature-service while an extraction job is inferring (what an orchestrator or Ctrl-C
 * does): the service cancels the job, waits for the forward pass to return, closes its ONNX Runtime sessions and
 * exits cleanly, with no JVM crash report anywhere.
 */
class ShutdownIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void sigtermDuringAnExtractionCancelsItAndExitsCleanly() throws Exception {
        ServiceProcess catalog = ServiceProcess.shared("model-catalog-service", Map.of(
                "cnp.catalog.models-dir", Repo.models().toString(),
                "cnp.catalog.data-dir", Repo.dir().resolve("target/test-data/catalog").toString()));
        Path data = Repo.dir().resolve("feature-service/target/it-data/shutdown");
        FileTrees.deleteTree(data);
        ServiceProcess features = ServiceProcess.start("feature-service", Map.of(
                "cnp.features.datasets-dir", Repo.datasets().toString(),
                "cnp.features.data-dir", data.toString(),
                "quarkus.rest-client.catalog.url", catalog.url()));
        long pid = features.pid();
        try {
            HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(URI.create(features.url() + "/api/features/extractions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"tinyimagenet-val4000\", "
                            + "\"model\": \"mobilenet_v2_1.0_224\", \"layers\": [\"global_pool\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, started.statusCode(), started.body());
            String job = features.url() + JSON.readTree(started.body()).path("job").asText();
            // wait until batches are being inferred: the moment a crash used to happen
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            JsonNode status = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(job)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            while (status.path("done").asLong() < 64) {
                assertEquals("running", status.path("state").asText(job), status.toString());
                assertTrue(Instant.now().isBefore(deadline), "the extraction did not get going: " + status);
                status = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(job)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            assertTrue(status.path("done").asLong() < status.path("total").asLong(), "the job ended too soon: " + status);
        } catch (RuntimeException | Error e) {
            features.close();
            throw e;
        }

        int exit = features.terminate(Duration.ofSeconds(30));
        String log = Files.readString(features.log());
        assertTrue(exit == 0 || exit == 143, "exit code " + exit + " (0 or 143 = SIGTERM are clean); log:\n" + tail(log));
        assertFalse(log.contains("A fatal error has been detected") || log.contains("SIGSEGV"), tail(log));
        for (Path dir : List.of(Path.of("").toAbsolutePath(), Repo.dir(), Repo.dir().resolve("feature-service"),
                Repo.dir().resolve("target/service-logs"), data, data.resolve("logs"))) {
            assertEquals(List.of(), crashReports(dir, pid), "JVM crash reports in " + dir);
        }
        assertTrue(log.lines().anyMatch(l -> l.contains("shutting down: cancelled 1 running extraction job")),
                "the log says the job was cancelled:\n" + tail(log));
        assertTrue(log.lines().anyMatch(l -> l.matches(".*closed \\d+ ONNX Runtime sessions?.*")),
                "the log says the sessions were closed after inference returned:\n" + tail(log));
    }

    private static List<String> crashReports(Path dir, long pid) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("hs_err") && n.contains("pid" + pid)).toList();
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
