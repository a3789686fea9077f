package org.convnetplayground.system;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/** The contract the acceptance checks use, through the one origin the browser uses. */
class ApiContractSystemTest {

    static final String CALTECH = "caltech101-iconic200";
    static final String TINY = "tinyimagenet200";
    static final String V2 = "mobilenet_v2_1.0_224";
    static final String SMALL = "mobilenet_v1_0.25_128";

    @Test
    void everySharedModelIsListedInOrderOfComplexity() throws IOException {
        List<Map<String, Object>> models = Api.request().get("/api/catalog/models").then().statusCode(200)
                .extract().jsonPath().getList("$");
        List<String> onDisk;
        try (Stream<Path> dirs = Files.list(Repo.models())) {
            onDisk = dirs.filter(d -> Files.exists(d.resolve("model.json"))).map(d -> d.getFileName().toString())
                    .sorted().toList();
        }
        assertEquals(onDisk, models.stream().map(m -> (String) m.get("id")).sorted().toList());
        for (int i = 1; i < models.size(); i++) {
            long a = ((Number) models.get(i - 1).get("parameters")).longValue();
            long b = ((Number) models.get(i).get("parameters")).longValue();
            assertTrue(a < b || (a == b && (Integer) models.get(i - 1).get("layerCount") <= (Integer) models.get(i).get("layerCount")));
        }
        for (Map<String, Object> m : models) {
            assertTrue(m.get("layerCount") instanceof Integer);
            assertEquals(2, ((List<?>) m.get("inputSize")).size());
        }
    }

    @Test
    void layerTableHasEveryNodeWithShapes() throws IOException {
        OnnxModel onnx = OnnxModel.read(Repo.models().resolve(V2 + "/model.onnx"), Long.MAX_VALUE);
        List<Map<String, Object>> layers = Api.request().get("/api/catalog/models/" + V2 + "/layers").then()
                .statusCode(200).extract().jsonPath().getList("$");
        assertEquals(onnx.graph().nodes().size(), layers.size());
        for (Map<String, Object> l : layers) {
            assertTrue(l.get("name") instanceof String && l.get("op") instanceof String);
            List<?> shape = (List<?>) l.get("outputShape");
            assertTrue(l.get("parameters") instanceof Number && l.get("feature") instanceof Boolean);
            if (!shape.isEmpty() && !l.get("op").equals("Constant")) {
                assertEquals(-1, shape.get(0), l.get("name") + " batch dimension");
            }
        }
    }

    @Test
    void everySharedDatasetIsListedAndPagedInAStableOrder() throws IOException {
        List<Map<String, Object>> datasets = Api.request().get("/api/features/datasets").then().statusCode(200)
                .extract().jsonPath().getList("$");
        List<String> onDisk;
        try (Stream<Path> dirs = Files.list(Repo.datasets())) {
            onDisk = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertEquals(onDisk, datasets.stream().map(d -> (String) d.get("id")).sorted().toList());
        Api.request().get("/api/features/datasets/" + CALTECH + "/images?offset=5&limit=3").then().statusCode(200)
                .body("total", equalTo(200)).body("items.size()", equalTo(3))
                .body("items[0].id", startsWith("elephant/")).body("items[0].label", equalTo("elephant"));
        byte[] image = Api.request().get("/api/features/datasets/" + CALTECH + "/images/elephant/image_0003.jpg")
                .then().statusCode(200).extract().asByteArray();
        assertArrayEquals(Files.readAllBytes(Repo.datasets().resolve(CALTECH + "/elephant/image_0003.jpg")), image);
    }

    @Test
    void queryBuildsTheCollectionThenRanksWithSimilarityBars() {
        Map<String, Object> q = Api.query(TINY, SMALL, "global_pool", "cosine", 50, "teapot/n04398044_0.JPEG");
        Response first = Api.post(q);
        if (first.statusCode() == 202) {
            String job = first.jsonPath().getString("job");
            assertTrue(job.startsWith("/api/search/jobs/"), job);
            JsonPath polled = Api.request().get(job).then().statusCode(200).extract().jsonPath();
            assertTrue(List.of("queued", "running", "succeeded").contains(polled.getString("state")));
            assertTrue(polled.getDouble("progress") >= 0 && polled.getDouble("progress") <= 1);
            Api.awaitJob(job);
        }
        JsonPath r = Api.search(q);
        List<Map<String, Object>> hits = r.getList("hits");
        assertEquals(50, hits.size());
        double previous = -1;
        for (Map<String, Object> h : hits) {
            assertFalse(h.get("id").equals("teapot/n04398044_0.JPEG"));
            double d = ((Number) h.get("distance")).doubleValue();
            double s = ((Number) h.get("similarity")).doubleValue();
            assertTrue(d >= previous && s >= 0 && s <= 100);
            previous = d;
            assertTrue(h.get("label") instanceof String);
        }
        Api.request().get("/api/search/collections/" + TINY + "/" + SMALL + "/global_pool/vectors/teapot/n04398044_0.JPEG")
                .then().statusCode(200).body("id", equalTo("teapot/n04398044_0.JPEG")).body("vector.size()", equalTo(256));
        Api.request().get("/api/search/metrics").then().statusCode(200).body("$", hasItems("cosine", "euclidean",
                "sqeuclidean", "minkowski", "cityblock", "chebyshev", "correlation", "canberra", "braycurtis"));
    }

    @Test
    void uploadedImageIsAQuery() {
        Api.search(Api.query(CALTECH, V2, "global_pool", "cosine", 10, "llama/image_0002.jpg"));
        Path photo = Repo.datasets().resolve(CALTECH + "/llama/image_0002.jpg");
        JsonPath r = Api.request().multiPart("image", photo.toFile(), "image/jpeg").multiPart("dataset", CALTECH)
                .multiPart("model", V2).multiPart("layer", "global_pool").multiPart("metric", "cosine").multiPart("k", "10")
                .post("/api/search/query-image").then().statusCode(200).extract().jsonPath();
        List<String> labels = r.getList("hits.label");
        assertEquals("llama/image_0002.jpg", r.getString("hits[0].id"), "the photo itself is its nearest neighbour");
        assertEquals(100.0, r.getDouble("hits[0].similarity"), 1e-3);
        assertTrue(labels.stream().filter("llama"::equals).count() >= 6, labels.toString());
    }

    @Test
    void wrongInputsAreClearProblemsAndTheSystemKeepsServing() {
        Map<String, Object> ok = Api.query(TINY, SMALL, "global_pool", "cosine", 5, "teapot/n04398044_0.JPEG");
        Api.search(ok);
        problem(with(ok, "dataset", "nope"), 404).body("detail", startsWith("unknown dataset 'nope'; expected one of"))
                .body("choices", hasItem(CALTECH));
        problem(with(ok, "model", "nope"), 404).body("choices", hasItem(V2));
        problem(with(ok, "layer", "nope"), 404).body("detail", containsString("unknown layer 'nope'"));
        problem(with(ok, "metric", "nope"), 400).body("choices", hasItem("cosine"));
        problem(with(ok, "k", 0), 400);
        problem(with(ok, "k", -3), 400);
        problem(with(ok, "k", 10_000_000), 400);
        Api.request().multiPart("image", "x.jpg", new byte[0], "image/jpeg").multiPart("dataset", TINY)
                .multiPart("model", SMALL).multiPart("layer", "global_pool").post("/api/search/query-image")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("empty"));
        Api.request().multiPart("image", "x.jpg", "%PDF-1.4 not an image".getBytes(), "image/jpeg")
                .multiPart("dataset", TINY).multiPart("model", SMALL).multiPart("layer", "global_pool")
                .post("/api/search/query-image").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("not an image"));
        Api.request().contentType(ContentType.TEXT).body("hello").post("/api/search/query").then().statusCode(415)
                .contentType("application/problem+json");
        Api.request().get("/api/catalog/models/nope").then().statusCode(404).contentType("application/problem+json");
        Api.request().get("/api/features/datasets/nope/images").then().statusCode(404)
                .contentType("application/problem+json");
        Api.request().get("/api/features/datasets/" + TINY + "/images?limit=0").then().statusCode(400)
                .contentType("application/problem+json");
        assertEquals(5, Api.search(ok).getList("hits").size());
        Api.request().get("/api/catalog/models").then().statusCode(200).body("size()", greaterThan(0));
    }

    static io.restassured.response.ValidatableResponse problem(Map<String, Object> body, int status) {
        return Api.post(body).then().statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status)).body("detail", org.hamcrest.Matchers.notNullValue());
    }

    static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new java.util.HashMap<>(base);
        copy.put(key, value);
        return copy;
    }
}
