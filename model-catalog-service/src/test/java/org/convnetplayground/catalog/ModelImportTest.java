package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.catalog.CatalogTesting.JSON;
import static org.convnetplayground.catalog.CatalogTesting.MOBILENET;
import static org.convnetplayground.catalog.CatalogTesting.assertUnharmed;
import static org.convnetplayground.catalog.CatalogTesting.mobilenetBytes;
import static org.convnetplayground.catalog.CatalogTesting.mobilenetJson;
import static org.convnetplayground.catalog.CatalogTesting.sharedModels;
import static org.convnetplayground.catalog.CatalogTesting.storeEntries;
import static org.convnetplayground.catalog.CatalogTesting.upload;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.convnetplayground.catalog.store.ModelStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bring your own model: an import round-trip of a real shared model, deletion, and every kind of hostile upload,
 * each followed by a check that the service still answers and nothing stored was harmed.
 */
@QuarkusTest
class ModelImportTest {

    @Inject
    ModelStore store;

    List<String> shared;

    @BeforeEach
    void snapshot() {
        CatalogTesting.emptyStore();
        shared = sharedModels();
        assertEquals(8, shared.size());
    }

    @AfterEach
    void clean() {
        CatalogTesting.emptyStore();
    }

    @Test
    void importedCopyOfASharedModelHasTheSameLayersAndFeatureLayers() throws Exception {
        byte[] bytes = mobilenetBytes();
        upload(bytes, mobilenetJson("my_mobilenet").toString())
                .statusCode(201)
                .header("Location", "/api/catalog/models/my_mobilenet")
                .body("id", equalTo("my_mobilenet"))
                .body("origin", equalTo("upload"))
                .body("readOnly", equalTo(false));

        Map<String, Object> original = given().get("/api/catalog/models/" + MOBILENET).then().statusCode(200)
                .extract().jsonPath().getMap("$");
        Map<String, Object> copy = given().get("/api/catalog/models/my_mobilenet").then().statusCode(200)
                .extract().jsonPath().getMap("$");
        for (String field : List.of("featureLayers", "embeddingLayer", "parameters", "layerCount", "flops", "inputSize",
                "inputName", "outputLayer", "numClasses", "hasClassifier", "sha256", "sizeBytes", "opset", "preprocessing")) {
            assertEquals(original.get(field), copy.get(field), field);
        }
        List<Map<String, Object>> originalLayers = given().get("/api/catalog/models/" + MOBILENET + "/layers").then()
                .statusCode(200).extract().jsonPath().getList("$");
        List<Map<String, Object>> copyLayers = given().get("/api/catalog/models/my_mobilenet/layers").then()
                .statusCode(200).extract().jsonPath().getList("$");
        assertEquals(originalLayers.size(), copyLayers.size());
        for (int i = 0; i < originalLayers.size(); i++) {
            for (String field : List.of("name", "op", "outputShape", "parameters", "cumulativeParameters", "flops",
                    "feature", "searchable", "inputs")) {
                assertEquals(originalLayers.get(i).get(field), copyLayers.get(i).get(field), "layer " + i + " " + field);
            }
        }
        assertEquals(given().get("/api/catalog/models/" + MOBILENET + "/labels").then().extract().jsonPath().getList("$"),
                given().get("/api/catalog/models/my_mobilenet/labels").then().extract().jsonPath().getList("$"));
        assertArrayEquals(bytes, given().get("/api/catalog/models/my_mobilenet/file").then().statusCode(200)
                .extract().asByteArray());

        // listed with the shared ones in complexity order (same parameters and layers: by id)
        List<String> ids = given().get("/api/catalog/models").then().extract().jsonPath().getList("id");
        assertEquals(List.of(MOBILENET, "my_mobilenet"), ids.subList(0, 2));

        // the stored model.json is complete, and the model survives a re-read of the store
        Path dir = store.storeDir().resolve("my_mobilenet");
        assertEquals(List.of("labels.txt", "model.json", "model.onnx"), storeEntries(dir));
        JsonNode stored = JSON.readTree(dir.resolve("model.json").toFile());
        assertEquals(original.get("sha256"), stored.get("sha256").asText());
        assertEquals(467_336, stored.get("parameter_count").asLong());
        assertEquals("upload", stored.at("/catalog_import/how").asText());
        assertEquals("model.onnx", stored.at("/catalog_import/file_name").asText());
        store.refresh();
        given().get("/api/catalog/models/my_mobilenet").then().statusCode(200)
                .body("featureLayers", equalTo(original.get("featureLayers")))
                .body("origin", equalTo("upload"));

        given().delete("/api/catalog/models/my_mobilenet").then().statusCode(204);
        given().get("/api/catalog/models/my_mobilenet").then().statusCode(404);
        given().delete("/api/catalog/models/my_mobilenet").then().statusCode(404).contentType("application/problem+json");
        assertFalse(Files.exists(dir));
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void minimalMetadataTakesTheRestFromTheGraphAndProposesFeatureLayers() throws Exception {
        String metadata = "{\"name\": \"bare_mobilenet\", \"preprocessing\": {\"mean\": 127.5, \"scale\": 0.00784313725490196}}";
        upload(mobilenetBytes(), metadata).statusCode(201)
                .body("inputSize", equalTo(List.of(128, 128)))
                .body("inputName", equalTo("input"))
                .body("preprocessing.layout", equalTo("NCHW"))
                .body("preprocessing.channelOrder", equalTo("RGB"))
                .body("preprocessing.mean", equalTo(List.of(127.5f, 127.5f, 127.5f)))
                .body("hasClassifier", equalTo(false));
        List<String> features = given().get("/api/catalog/models/bare_mobilenet").then().extract().jsonPath()
                .getList("featureLayers");
        String embedding = given().get("/api/catalog/models/bare_mobilenet").then().extract().jsonPath()
                .getString("embeddingLayer");
        assertTrue(features.size() >= 6 && features.size() <= 9, "about 8 proposed feature layers: " + features);
        assertEquals(embedding, features.get(features.size() - 1));
        assertEquals("global_pool", embedding);
        List<Double> std = given().get("/api/catalog/models/bare_mobilenet").then().extract().jsonPath()
                .getList("preprocessing.std", Double.class);
        std.forEach(s -> assertEquals(127.5, s, 1e-9, "std = 1 / scale"));
    }

    @Test
    void anNhwcInputIsRecognisedFromTheGraph() throws Exception {
        upload(CatalogTesting.tinyImageModel(true), CatalogTesting.tinyMetadata("tiny_nhwc")).statusCode(201)
                .body("preprocessing.layout", equalTo("NHWC"))
                .body("inputSize", equalTo(List.of(8, 8)))
                .body("featureLayers", equalTo(List.of("nchw", "conv", "relu", "pool")));
        given().get("/api/catalog/models/tiny_nhwc/layers/conv").then().statusCode(200)
                .body("outputShape", equalTo(List.of(-1, 2, 8, 8)));
        ObjectNode stated = (ObjectNode) JSON.readTree(CatalogTesting.tinyMetadata("tiny_nchw"));
        stated.putObject("input").put("layout", "NCHW");
        upload(CatalogTesting.tinyImageModel(true), stated.toString()).statusCode(400)
                .body("parameter", equalTo("metadata.input.layout"))
                .body("detail", equalTo("invalid metadata.input.layout: 'NCHW'; expected 'NHWC': the model's input 'x' "
                        + "has shape [batch, 8, 8, 3]"));
        assertUnharmed(shared, store.storeDir(), List.of("tiny_nhwc"));
    }

    @Test
    void labelsSentWithTheModelAreServed() throws Exception {
        ObjectNode twoClasses = (ObjectNode) JSON.readTree(CatalogTesting.tinyMetadata("two_classes"));
        twoClasses.putObject("output").put("num_classes", 2);
        upload(CatalogTesting.tinyImageModel(), twoClasses.toString(), "cat\n\ndog\n").statusCode(201)
                .body("hasClassifier", equalTo(true))
                .body("numClasses", equalTo(2));
        given().get("/api/catalog/models/two_classes/labels").then().statusCode(200).body("", equalTo(List.of("cat", "dog")));
        ObjectNode inline = (ObjectNode) JSON.readTree(CatalogTesting.tinyMetadata("inline_labels"));
        inline.putObject("output").put("num_classes", 2).putArray("labels").add("left").add("right");
        upload(CatalogTesting.tinyImageModel(), inline.toString()).statusCode(201);
        given().get("/api/catalog/models/inline_labels/labels").then().body("", equalTo(List.of("left", "right")));
        assertUnharmed(shared, store.storeDir(), List.of("inline_labels", "two_classes"));
    }

    @Test
    void bytesThatAreNotOnnxAreRefused() throws Exception {
        upload("this is a text file, not a neural network\n".repeat(100).getBytes(StandardCharsets.UTF_8),
                mobilenetJson("text_file").toString())
                .statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("not an ONNX model"));
        byte[] noise = new byte[200_000];
        new Random(7).nextBytes(noise);
        upload(noise, mobilenetJson("noise").toString())
                .statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("not an ONNX model"));
        upload(new byte[0], mobilenetJson("empty").toString())
                .statusCode(400).body("detail", containsString("not an ONNX model"));
        byte[] truncated = java.util.Arrays.copyOf(mobilenetBytes(), 1_000_000);
        upload(truncated, mobilenetJson("truncated").toString())
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("not an ONNX model"));
        upload(CatalogTesting.tinyImageModelWithExternalWeights(), CatalogTesting.tinyMetadata("external"))
                .statusCode(400).contentType("application/problem+json")
                .body("parameter", equalTo("model"))
                .body("value", equalTo("W"))
                .body("detail", equalTo("the model refers to external data: tensor 'W', an initializer of the main "
                        + "graph, keeps its values in the file '../../../../etc/passwd'; expected a self-contained ONNX "
                        + "file (save it without external data): the catalog never reads files a model names"));
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void aGraphWithoutAnImageInputIsRefusedNamingTheExpectedShape() throws Exception {
        upload(CatalogTesting.vectorModel(), "{\"name\": \"vector\", \"input\": {\"size\": [10, 10]}, "
                + "\"preprocessing\": {\"mean\": [0, 0, 0], \"std\": [1, 1, 1]}}")
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("the model's input 'x' has shape [1, 10]; expected an image input "
                        + "[batch, 3, H, W] (NCHW) or [batch, H, W, 3] (NHWC)"));
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void badMetadataIsRefusedNamingTheField() throws Exception {
        byte[] model = mobilenetBytes();
        upload(model, "{\"name\": \"broken\", \"preprocessing\": {").statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("metadata is not JSON"))
                .body("parameter", equalTo("metadata"));
        upload(model, "[1, 2, 3]").statusCode(400).body("detail", startsWith("metadata is a JSON array; expected"));
        upload(model, null).statusCode(400).body("parameter", equalTo("metadata"));

        ObjectNode noName = mobilenetJson("x");
        noName.remove("name");
        expectField(model, noName, "metadata.name", "missing metadata.name");
        ObjectNode noPreprocessing = mobilenetJson("no_pre");
        noPreprocessing.remove("preprocessing");
        expectField(model, noPreprocessing, "metadata.preprocessing", "missing metadata.preprocessing");
        ObjectNode noStd = mobilenetJson("no_std");
        ((ObjectNode) noStd.get("preprocessing")).remove("std");
        expectField(model, noStd, "metadata.preprocessing.std", "missing metadata.preprocessing.std");

        ObjectNode zeroStd = mobilenetJson("zero_std");
        ((ObjectNode) zeroStd.get("preprocessing")).putArray("std").add(127.5).add(0).add(127.5);
        expectField(model, zeroStd, "metadata.preprocessing.std", "invalid metadata.preprocessing.std: '[127.5,0,127.5]'; expected 3 numbers > 0");
        ObjectNode twoMeans = mobilenetJson("two_means");
        ((ObjectNode) twoMeans.get("preprocessing")).putArray("mean").add(127.5).add(127.5);
        expectField(model, twoMeans, "metadata.preprocessing.mean", "invalid metadata.preprocessing.mean: '[127.5,127.5]'; expected 3 numbers");
        ObjectNode unitInterval = mobilenetJson("unit_interval");
        ((ObjectNode) unitInterval.get("preprocessing")).putArray("mean").add(0.485).add(0.456).add(0.406);
        ((ObjectNode) unitInterval.get("preprocessing")).putArray("std").add(0.229).add(0.224).add(0.225);
        expectField(model, unitInterval, "metadata.preprocessing.mean", "look like 0..1 units; expected pixel units 0..255");

        ObjectNode wrongSize = mobilenetJson("wrong_size");
        ((ObjectNode) wrongSize.get("input")).putArray("size").add(224).add(224);
        expectField(model, wrongSize, "metadata.input.size", "invalid metadata.input.size: '[224, 224]'; expected [128, 128]: "
                + "the model's input 'input' has shape [batch, 3, 128, 128] (NCHW)");
        ObjectNode wrongLayout = mobilenetJson("wrong_layout");
        ((ObjectNode) wrongLayout.get("input")).put("layout", "NHWC");
        expectField(model, wrongLayout, "metadata.input.layout", "invalid metadata.input.layout: 'NHWC'; expected 'NCHW'");
        ObjectNode badLayout = mobilenetJson("bad_layout");
        ((ObjectNode) badLayout.get("input")).put("layout", "CHWN");
        expectField(model, badLayout, "metadata.input.layout", "expected one of [NCHW, NHWC]");
        ObjectNode wrongInput = mobilenetJson("wrong_input");
        ((ObjectNode) wrongInput.get("input")).put("name", "images");
        expectField(model, wrongInput, "metadata.input.name", "expected 'input'");
        ObjectNode unknownFeature = mobilenetJson("unknown_feature");
        unknownFeature.putArray("feature_layers").add("Conv2d_99");
        expectField(model, unknownFeature, "metadata.feature_layers", "invalid metadata.feature_layers: 'Conv2d_99'");
        ObjectNode wrongClasses = mobilenetJson("wrong_classes");
        ((ObjectNode) wrongClasses.get("output")).put("num_classes", 10).remove("labels_file");
        expectField(model, wrongClasses, "metadata.output.num_classes", "no layer of its graph has 10 channels");
        ObjectNode badSha = mobilenetJson("bad_sha");
        badSha.put("sha256", "0".repeat(64));
        expectField(model, badSha, "metadata.sha256", "expected the file's sha256 " + shared.stream()
                .filter(s -> s.startsWith(MOBILENET + " ")).findFirst().orElseThrow().split(" ")[1]);
        ObjectNode badLabelsFile = mobilenetJson("bad_labels_file");
        ((ObjectNode) badLabelsFile.get("output")).put("labels_file", "../../../etc/passwd");
        expectField(model, badLabelsFile, "metadata.output.labels_file", "expected 'imagenet_labels.txt'");

        upload(model, mobilenetJson("ten_labels").toString(), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n").statusCode(400)
                .body("parameter", equalTo("labels"))
                .body("detail", containsString("expected 1000 labels"));
        given().multiPart("metadata", "model.json", mobilenetJson("no_file").toString().getBytes(StandardCharsets.UTF_8),
                        "application/json")
                .post("/api/catalog/models").then().statusCode(400).body("parameter", equalTo("model"));
        given().contentType("application/json").body("{}").post("/api/catalog/models").then().statusCode(415)
                .contentType("application/problem+json");
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void idsAreUniqueAndSafeFolderNames() throws Exception {
        byte[] model = mobilenetBytes();
        upload(model, mobilenetJson("squeezenet1.1").toString()).statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("model id 'squeezenet1.1' is taken"));
        upload(model, mobilenetJson(MOBILENET.toUpperCase()).toString()).statusCode(409);
        for (String evil : List.of("../evil", "a/b", "..", ".hidden", "a\\b", "", "x".repeat(101), "download")) {
            upload(model, mobilenetJson(evil).toString()).statusCode(400)
                    .contentType("application/problem+json")
                    .body("parameter", equalTo("metadata.name"));
        }
        assertFalse(Files.exists(store.storeDir().resolveSibling("evil")));
        assertFalse(Files.exists(store.storeDir().getParent().resolveSibling("evil")));
        assertUnharmed(shared, store.storeDir(), List.of());

        upload(model, mobilenetJson("twice").toString()).statusCode(201);
        upload(model, mobilenetJson("twice").toString()).statusCode(409)
                .body("detail", containsString("model id 'twice' is taken"));
        assertUnharmed(shared, store.storeDir(), List.of("twice"));
    }

    @Test
    void sharedModelsAreReadOnly() throws Exception {
        given().delete("/api/catalog/models/" + MOBILENET).then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("read-only"));
        given().delete("/api/catalog/models/no-such-model").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", startsWith("unknown model 'no-such-model'"));
        assertTrue(Files.exists(CatalogTesting.MOBILENET_DIR.resolve("model.onnx")));
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void readinessReportsTheWritableStore() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'model-store' }.data.storeWritable", equalTo(true))
                .body("checks.find { it.name == 'model-store' }.data.storeDir", equalTo(store.storeDir().toString()));
    }

    private static void expectField(byte[] model, JsonNode metadata, String field, String detail) {
        upload(model, metadata.toString()).statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo(field))
                .body("detail", containsString(detail));
    }
}
