package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ModelResourceTest {

    static final Path MODELS = Path.of(System.getProperty("cnp.shared.dir"), "models");

    @Test
    void listsEverySharedModelInOrderOfComplexity() throws IOException {
        List<Map<String, Object>> models = given().when().get("/api/catalog/models")
                .then().statusCode(200).extract().jsonPath().getList("$");
        List<String> expectedIds;
        try (Stream<Path> dirs = Files.list(MODELS)) {
            expectedIds = dirs.filter(d -> Files.exists(d.resolve("model.json")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertEquals(expectedIds, models.stream().map(m -> (String) m.get("id")).sorted().toList());
        long previousParams = -1;
        for (Map<String, Object> m : models) {
            long params = ((Number) m.get("parameters")).longValue();
            assertTrue(params >= previousParams, "ordered by parameters: " + m.get("id"));
            previousParams = params;
            JsonNode json = new ObjectMapper().readTree(MODELS.resolve(m.get("id") + "/model.json").toFile());
            assertEquals(json.get("parameter_count").asLong(), params, "parameter_count of " + m.get("id"));
            assertEquals(List.of(json.at("/input/size/0").asInt(), json.at("/input/size/1").asInt()), m.get("inputSize"));
        }
        assertEquals("mobilenet_v1_0.25_128", models.get(0).get("id"));
    }

    @Test
    void layerTableHasEveryNodeWithShapesAndParameters() throws IOException {
        OnnxModel onnx = OnnxModel.read(MODELS.resolve("mobilenet_v2_1.0_224/model.onnx"), Long.MAX_VALUE);
        JsonPath layers = given().when().get("/api/catalog/models/mobilenet_v2_1.0_224/layers")
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> all = layers.getList("$");
        assertEquals(onnx.graph().nodes().size(), all.size());
        long sum = 0;
        for (Map<String, Object> l : all) {
            sum += ((Number) l.get("parameters")).longValue();
            assertEquals(sum, ((Number) l.get("cumulativeParameters")).longValue());
        }
        assertEquals(3_487_816, sum);
        Map<String, Object> pool = all.stream().filter(l -> l.get("name").equals("global_pool")).findFirst().orElseThrow();
        assertEquals(List.of(-1, 1280, 1, 1), pool.get("outputShape"));
        assertEquals("ReduceMean", pool.get("op"));
        assertEquals(true, pool.get("feature"));
        Map<String, Object> first = all.get(0);
        assertEquals(List.of(-1, 32, 112, 112), first.get("outputShape"));
        assertEquals("Conv", first.get("op"));
        // 32 filters of 3x3x3 over a 112x112 map
        assertEquals(32L * 112 * 112 * 27, ((Number) first.get("flops")).longValue());
        long features = all.stream().filter(l -> Boolean.TRUE.equals(l.get("feature"))).count();
        assertTrue(features >= 6 && features <= 10, "about 8 feature layers, got " + features);
    }

    @Test
    void everyModelHasAboutEightFeatureLayersEndingInItsEmbedding() {
        List<Map<String, Object>> models = given().get("/api/catalog/models").then().extract().jsonPath().getList("$");
        for (Map<String, Object> m : models) {
            @SuppressWarnings("unchecked")
            List<String> features = (List<String>) m.get("featureLayers");
            assertTrue(features.size() >= 6 && features.size() <= 9, m.get("id") + ": " + features);
            assertEquals(m.get("embeddingLayer"), features.get(features.size() - 1), m.get("id") + ": " + features);
        }
        given().get("/api/catalog/models/resnet50_v2_stage3").then()
                .body("embeddingLayer", equalTo("stage3_out"))
                .body("featureLayers", hasItem("conv0"))
                .body("preprocessing.cropFraction", equalTo(0.875f))
                .body("preprocessing.resize", equalTo("shorter-side-crop"));
        given().get("/api/catalog/models/inception_v3_mixed8").then()
                .body("preprocessing.resize", equalTo("stretch"))
                .body("inputSize", equalTo(List.of(299, 299)));
        given().get("/api/catalog/models/squeezenet1.1").then()
                .body("embeddingLayer", equalTo("global_pool"))
                .body("featureLayers", hasItem("fire9"));
    }

    @Test
    void unknownModelIsA404ProblemListingTheModels() {
        given().when().get("/api/catalog/models/mobilenet-v9/layers")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", startsWith("unknown model 'mobilenet-v9'; expected one of ["))
                .body("detail", containsString("mobilenet_v2_1.0_224"))
                .body("choices", hasItem("squeezenet1.1"));
    }

    @Test
    void unknownLayerAndOperatorAreClearProblems() {
        given().get("/api/catalog/models/squeezenet1.1/layers/conv99").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", startsWith("unknown layer 'conv99' for model 'squeezenet1.1'; for example one of ["))
                .body("detail", containsString("every layer is listed at /api/catalog/models/squeezenet1.1/layers"));
        given().get("/api/catalog/models/squeezenet1.1/layers?op=Transformer").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("Conv"));
        given().get("/api/catalog/models/squeezenet1.1/layers?op=conv").then().statusCode(200)
                .body("size()", equalTo(26));
        given().get("/api/catalog/no/such/path").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void servesTheVerifiedFileByChecksum() throws Exception {
        byte[] body = given().get("/api/catalog/models/squeezenet1.1/file").then().statusCode(200)
                .header("X-Model-Sha256", equalTo(sha256(MODELS.resolve("squeezenet1.1/model.onnx"))))
                .extract().asByteArray();
        assertEquals(Files.size(MODELS.resolve("squeezenet1.1/model.onnx")), body.length);
        given().header("If-None-Match", "\"" + sha256(MODELS.resolve("squeezenet1.1/model.onnx")) + "\"")
                .get("/api/catalog/models/squeezenet1.1/file").then().statusCode(304);
    }

    @Test
    void labelsOfClassifiers() {
        given().get("/api/catalog/models/squeezenet1.1/labels").then().statusCode(200)
                .body("size()", equalTo(1000)).body("[0]", startsWith("tench"));
        given().get("/api/catalog/models/resnet50_v2_stage3/labels").then().statusCode(200).body("size()", equalTo(0));
    }

    static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            d.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
