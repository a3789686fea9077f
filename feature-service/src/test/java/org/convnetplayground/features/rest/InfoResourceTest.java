package org.convnetplayground.features.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Set;
import org.convnetplayground.features.CatalogService;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** GET /api/features/info on this machine: the CPU, the providers of the CPU build, the work sized for the CPU. */
@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class InfoResourceTest {

    @Test
    void reportsTheCpuTheProvidersAndTheSizing() {
        JsonPath info = given().when().get("/api/features/info").then().statusCode(200)
                .contentType("application/json").extract().jsonPath();
        Config config = ConfigProvider.getConfig();
        assertEquals("cpu", info.getString("device"));
        assertEquals("cpu", info.getString("requestedDevice"));
        assertEquals("configured: cnp.features.inference.device=cpu", info.getString("deviceReason"));
        List<String> providers = OrtEnvironment.getAvailableProviders().stream().map(OrtProvider::getName).toList();
        assertEquals(providers, info.getList("executionProviders", String.class));
        assertEquals(OrtEnvironment.getEnvironment().getVersion(), info.getString("onnxRuntimeVersion"));
        assertEquals(config.getValue("cnp.features.inference.batch-size", Integer.class), info.getInt("batchSize"));
        assertEquals(config.getValue("cnp.features.images.decode-threads", Integer.class), info.getInt("decodeThreads"));
        assertEquals(Runtime.getRuntime().availableProcessors(), info.getInt("inferenceThreads"),
                "threads = 0 means one per core");
        assertEquals(config.getValue("cnp.features.images.prefetch-batches", Integer.class), info.getInt("prefetchBatches"));
        assertEquals(config.getValue("cnp.features.inference.session-cache-size", Integer.class),
                info.getInt("sessionCacheSize"));
        // the agreed shape the web UI reads, and nothing renamed
        assertEquals(Set.of("device", "requestedDevice", "deviceReason", "executionProviders", "onnxRuntimeVersion",
                "batchSize", "decodeThreads", "inferenceThreads", "prefetchBatches", "sessionCacheSize"),
                info.getMap("").keySet());
    }
}
