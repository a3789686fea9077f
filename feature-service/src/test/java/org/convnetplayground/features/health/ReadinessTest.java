package org.convnetplayground.features.health;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.convnetplayground.features.CatalogService;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/** Readiness reports ONNX Runtime loaded and the datasets root readable. */
@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class ReadinessTest {

    @Test
    void readyWithTheOnnxRuntimeVersionAndTheDatasetsRoot() {
        JsonPath health = given().when().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertEquals("UP", health.getString("status"));
        Map<String, Object> check = health.getMap("checks.find { it.name == 'feature-extraction' }");
        assertEquals("UP", check.get("status"), check.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) check.get("data");
        assertTrue(String.valueOf(data.get("onnxRuntime")).matches("\\d+\\.\\d+\\.\\d+.*"), "onnxRuntime " + data);
        assertEquals(true, data.get("datasetsReadable"));
        assertEquals(Repo.datasets().toString(), data.get("datasetsDir"));
        assertTrue(((Number) data.get("inferenceThreads")).intValue() >= 1, data.toString());
    }

    @Test
    void reportsTheDeviceTheProvidersAndTheSizing() {
        JsonPath health = given().when().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) health.getMap("checks.find { it.name == 'feature-extraction' }")
                .get("data");
        assertEquals("cpu", data.get("device"), data.toString());
        assertEquals("cpu", data.get("requestedDevice"));
        assertEquals("configured: cnp.features.inference.device=cpu", data.get("deviceReason"));
        assertEquals(String.join(", ", ai.onnxruntime.OrtEnvironment.getAvailableProviders().stream()
                .map(ai.onnxruntime.OrtProvider::getName).toList()), data.get("executionProviders"));
        assertEquals(16, ((Number) data.get("batchSize")).intValue(), "the documented CPU default");
        assertEquals(2, ((Number) data.get("decodeThreads")).intValue(), "the documented CPU default");
    }
}
