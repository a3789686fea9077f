package org.convnetplayground.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

/**
 * The packaged feature-service started with each device setting on this machine, which has the CPU build of ONNX
 * Runtime and no NVIDIA GPU: {@code cuda} stops the start with a message naming what is missing; {@code auto} runs
 * on the CPU and says why, in its log and at /api/features/info.
 */
class DeviceStartupIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> config(String device, String name) {
        ServiceProcess catalog = ServiceProcess.shared("model-catalog-service", Map.of(
                "cnp.catalog.models-dir", Repo.models().toString(),
                "cnp.catalog.data-dir", Repo.dir().resolve("target/test-data/catalog").toString()));
        Map<String, String> config = new HashMap<>();
        config.put("cnp.features.datasets-dir", Repo.datasets().toString());
        config.put("cnp.features.data-dir", Repo.dir().resolve("feature-service/target/it-data/" + name).toString());
        config.put("quarkus.rest-client.catalog.url", catalog.url());
        config.put("cnp.features.inference.device", device);
        return config;
    }

    @Test
    void cudaStopsTheStartNamingWhatIsMissing() throws Exception {
        int port = ServiceProcess.freePort();
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> ServiceProcess.start("feature-service", config("cuda", "cuda"), List.of(), port).close());
        assertTrue(failed.getMessage().startsWith("feature-service exited with "), failed.getMessage());
        Path log = Repo.dir().resolve("target/service-logs/feature-service-" + port + ".log");
        String text = Files.readString(log);
        String line = text.lines().filter(l -> l.contains("ERROR") && l.contains("cnp.features.inference.device=cuda"))
                .findFirst().orElseThrow(() -> new AssertionError("no error line naming the device in " + log));
        assertTrue(line.contains("cannot be used on this machine; missing: the CUDA execution provider"), line);
        assertTrue(line.contains("build the feature-service with -Pgpu (onnxruntime_gpu) or run its GPU image"), line);
        if (!Files.exists(Path.of("/proc/driver/nvidia/version"))) {
            assertTrue(line.contains("an NVIDIA driver: /proc/driver/nvidia/version does not exist"), line);
        }
        assertTrue(!text.contains("Listening on"), "the service must not start listening:\n" + text);
    }

    @Test
    void autoRunsOnTheCpuAndSaysWhy() throws Exception {
        try (ServiceProcess features = ServiceProcess.start("feature-service", config("auto", "auto"))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(features.url() + "/api/features/info")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode info = JSON.readTree(r.body());
            assertEquals("cpu", info.path("device").asText());
            assertEquals("auto", info.path("requestedDevice").asText());
            String reason = "auto: no CUDA execution provider in this build (onnxruntime CPU package)";
            assertEquals(reason, info.path("deviceReason").asText());
            assertTrue(Files.readString(features.log()).lines()
                            .anyMatch(l -> l.contains("INFO") && l.contains("inference on cpu (" + reason + ")")),
                    "the log says which device and why: " + features.log());
        }
    }
}
