package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * A model import round trip through the one origin: a shared model uploaded under a new name with its own model.json
 * gets the same layer table, feature layers and labels as the original, searches with it give the same hits at the
 * same distances, and once deleted it is gone from the catalog and from search.
 */
class ImportedModelSystemTest {

    static final String ORIGINAL = "mobilenet_v1_0.25_128";
    static final String COPY = "my_mobilenet_copy";
    static final String DATASET = "tinyimagenet200";
    static final String QUERY = "goldfish/n01443537_0.JPEG";

    @Test
    void anImportedCopyOfASharedModelBehavesLikeTheOriginalUntilDeleted() throws IOException {
        importAs(ORIGINAL, COPY);
        try {
            assertEquals(layers(ORIGINAL), layers(COPY), "the layer tables are equal");
            JsonPath original = model(ORIGINAL);
            JsonPath copy = model(COPY);
            for (String field : List.of("featureLayers", "embeddingLayer", "outputLayer", "parameters", "flops", "layerCount", "sha256", "inputSize", "preprocessing")) {
                assertEquals(original.getString(field), copy.getString(field), field);
            }
            assertEquals(Api.request().get("/api/catalog/models/" + ORIGINAL + "/labels").asString(),
                    Api.request().get("/api/catalog/models/" + COPY + "/labels").asString(), "labels");

            for (String layer : List.of("global_pool", "Conv2d_6_pointwise")) {
                for (String metric : List.of("cosine", "euclidean")) {
                    JsonPath a = Api.search(Api.query(DATASET, ORIGINAL, layer, metric, 20, QUERY));
                    JsonPath b = Api.search(Api.query(DATASET, COPY, layer, metric, 20, QUERY));
                    String what = layer + " / " + metric;
                    assertEquals(a.getList("hits.id"), b.getList("hits.id"), what + ": the same hits in the same order");
                    List<Float> da = a.getList("hits.distance", Float.class);
                    List<Float> db = b.getList("hits.distance", Float.class);
                    for (int i = 0; i < da.size(); i++) {
                        assertEquals(da.get(i), db.get(i), 1e-5 * Math.max(1, Math.abs(da.get(i))), what + " distance " + i);
                    }
                }
            }
        } finally {
            Api.request().delete("/api/catalog/models/" + COPY).then().statusCode(204);
        }
        Api.request().get("/api/catalog/models/" + COPY).then().statusCode(404)
                .contentType("application/problem+json");
        List<String> ids = Api.request().get("/api/catalog/models").then().statusCode(200).extract().jsonPath()
                .getList("id");
        assertTrue(ids.contains(ORIGINAL) && !ids.contains(COPY), ids.toString());
        Api.request().delete("/api/catalog/models/" + ORIGINAL).then().statusCode(409)
                .contentType("application/problem+json");
        awaitSearchRefused(COPY);
        assertEquals(List.of(), collectionsOf(COPY));
    }

    @Test
    void anIdImportedAgainWithAnotherFileIsSearchedWithTheNewFile() throws IOException {
        String id = "reused_id";
        String other = "squeezenet1.1";
        importAs(ORIGINAL, id);
        try {
            JsonPath first = Api.search(Api.query(DATASET, id, "global_pool", "cosine", 20, QUERY));
            assertEquals(Api.search(Api.query(DATASET, ORIGINAL, "global_pool", "cosine", 20, QUERY)).getList("hits.id"),
                    first.getList("hits.id"));
        } finally {
            Api.request().delete("/api/catalog/models/" + id).then().statusCode(204);
        }
        awaitSearchRefused(id);
        importAs(other, id);
        try {
            List<Object> expected = Api.search(Api.query(DATASET, other, "global_pool", "cosine", 20, QUERY))
                    .getList("hits.id");
            assertEquals(expected, Api.search(Api.query(DATASET, id, "global_pool", "cosine", 20, QUERY))
                    .getList("hits.id"), "the collection of the old file is not served for the new one");
            String sha = model(id).getString("sha256");
            assertEquals(List.of(sha), collectionsOf(id).stream().map(c -> c.get("modelSha256")).toList());
        } finally {
            Api.request().delete("/api/catalog/models/" + id).then().statusCode(204);
        }
    }

    /**
     * The search-service learns of a deletion within seconds (it asks the catalog at most every 3 s per model): then
     * searches with the deleted model are refused with the catalog's 404.
     */
    private static void awaitSearchRefused(String model) {
        Instant deadline = Instant.now().plusSeconds(15);
        int status;
        do {
            Api.pause();
            status = Api.post(Api.query(DATASET, model, "global_pool", "cosine", 20, QUERY)).statusCode();
        } while (status == 200 && Instant.now().isBefore(deadline));
        assertEquals(404, status, "a search with the deleted model " + model);
    }

    /** Uploads shared model {@code source} with its own model.json, renamed {@code id}, and the ImageNet labels. */
    private static void importAs(String source, String id) throws IOException {
        Path dir = Repo.models().resolve(source);
        String metadata = Files.readString(dir.resolve("model.json")).replaceFirst("\"name\"\\s*:\\s*\"[^\"]+\"",
                "\"name\": \"" + id + "\"");
        Api.request()
                .multiPart("model", dir.resolve("model.onnx").toFile(), "application/octet-stream")
                .multiPart("metadata", "model.json", metadata.getBytes(), "application/json")
                .multiPart("labels", Repo.models().resolve("imagenet_labels.txt").toFile(), "text/plain")
                .post("/api/catalog/models").then().statusCode(201)
                .body("id", org.hamcrest.Matchers.equalTo(id));
    }

    private static List<Map<String, Object>> collectionsOf(String model) {
        return Api.request().get("/api/search/collections").then().statusCode(200).extract().jsonPath()
                .<Map<String, Object>>getList("$").stream().filter(c -> model.equals(c.get("model"))).toList();
    }

    private static JsonPath model(String id) {
        return Api.request().get("/api/catalog/models/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Each layer's name, op, shape and parameter count, in graph order. */
    private static List<String> layers(String id) {
        JsonPath layers = Api.request().get("/api/catalog/models/" + id + "/layers").then().statusCode(200)
                .extract().jsonPath();
        List<String> rows = new ArrayList<>();
        for (Map<String, Object> l : layers.<Map<String, Object>>getList("$")) {
            rows.add(l.get("name") + " " + l.get("op") + " " + l.get("inputs") + " " + l.get("outputShape") + " "
                    + l.get("parameters") + " " + l.get("flops") + " " + l.get("feature") + " " + l.get("searchable"));
        }
        return rows;
    }
}
