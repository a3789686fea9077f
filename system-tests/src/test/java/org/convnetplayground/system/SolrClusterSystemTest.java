package org.convnetplayground.system;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.SolrClusterProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code make run-cluster} end to end: the whole system with the search-service on a real 2-node SolrCloud
 * ({@code cnp.search.backend=solr}), used through the web UI's one origin. The demo search, an uploaded image's
 * search, the evaluation and the duplicates answer as the embedded backend's system ({@link Stack#get()}) does, with
 * the same exact top-10; approximate answers come from Solr, whose Collections API lists the collection with 2 shards.
 */
class SolrClusterSystemTest {

    static final String DATASET = "caltech101-iconic200";
    static final String MODEL = ApiContractSystemTest.SMALL;
    static final String LAYER = "global_pool";
    static final String QUERY_ID = "elephant/image_0001.jpg";

    static SolrClusterProcess cluster;
    static Stack stack;

    @BeforeAll
    static void start() {
        cluster = SolrClusterProcess.start(2);
        stack = Stack.startSeparate("solr", Map.of("cnp.search.backend", "solr", "cnp.search.solr.urls",
                cluster.urls()));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void demoUploadEvaluationAndDuplicatesAnswerAsOnTheEmbeddedBackend() {
        String embedded = Stack.get().base();
        String solr = stack.base();
        Map<String, Object> exactQuery = query("exact");
        JsonPath embeddedExact = search(embedded, exactQuery);
        JsonPath solrExact = search(solr, exactQuery);
        assertEquals(embeddedExact.getList("hits.id"), solrExact.getList("hits.id"));
        assertClose(embeddedExact.getList("hits.distance", Double.class), solrExact.getList("hits.distance",
                Double.class));

        // once Solr holds the collection, approximate queries are answered by it, with the exact top-10 here
        JsonPath approximate = awaitApproximate(solr, query("approximate"));
        assertEquals(solrExact.getList("hits.id"), approximate.getList("hits.id"));
        assertEquals(solrExact.getList("hits.distance", Double.class), approximate.getList("hits.distance",
                Double.class));

        // Solr's Collections API lists the product's collection, with 2 shards of 2 replicas
        JsonPath status = given().get(cluster.nodeUrls().get(0) + "/admin/collections?action=CLUSTERSTATUS")
                .then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> collections = status.getMap("cluster.collections");
        List<String> ours = collections.keySet().stream()
                .filter(c -> c.startsWith("cnp_caltech101_iconic200_mobilenet_v1_0_25_128_global_pool_avg_")).toList();
        assertEquals(1, ours.size(), collections.keySet().toString());
        Map<String, Map<String, Object>> shards = status.getMap("cluster.collections." + ours.get(0) + ".shards");
        assertEquals(2, shards.size(), shards.toString());
        shards.values().forEach(s -> assertEquals(2, ((Map<?, ?>) s.get("replicas")).size(), s.toString()));

        // an uploaded image: the same hits both ways, the approximate one through Solr
        Path photo = Repo.datasets().resolve(DATASET + "/llama/image_0002.jpg");
        JsonPath uploadEmbedded = upload(embedded, photo, "exact");
        JsonPath uploadExact = upload(solr, photo, "exact");
        JsonPath uploadApproximate = upload(solr, photo, "approximate");
        assertEquals("approximate", uploadApproximate.getString("mode"));
        assertEquals("llama/image_0002.jpg", uploadApproximate.getString("hits[0].id"));
        assertEquals(uploadEmbedded.getList("hits.id"), uploadExact.getList("hits.id"));
        assertEquals(uploadExact.getList("hits.id"), uploadApproximate.getList("hits.id"));

        // evaluation and duplicates read the service's own copy: the same figures on both backends
        String collection = "?dataset=" + DATASET + "&model=" + MODEL + "&layer=" + LAYER;
        JsonPath evalEmbedded = get(embedded, "/api/search/evaluation" + collection);
        JsonPath evalSolr = get(solr, "/api/search/evaluation" + collection);
        assertEquals(evalEmbedded.getDouble("map"), evalSolr.getDouble("map"), 1e-9);
        assertEquals(evalEmbedded.getMap("precisionAt").keySet(), evalSolr.getMap("precisionAt").keySet());
        evalEmbedded.getMap("precisionAt").forEach((k, v) -> assertEquals((Double) v,
                (Double) evalSolr.getMap("precisionAt").get(k), 1e-9, "precision@" + k));
        JsonPath dupEmbedded = get(embedded, "/api/search/duplicates" + collection + "&threshold=0.2");
        JsonPath dupSolr = get(solr, "/api/search/duplicates" + collection + "&threshold=0.2");
        assertEquals(dupEmbedded.getList("pairs.a"), dupSolr.getList("pairs.a"));
        assertEquals(dupEmbedded.getList("pairs.b"), dupSolr.getList("pairs.b"));
        assertTrue(dupSolr.getInt("scanned") == 200, dupSolr.prettify());
    }

    /** The same distances (the two systems extracted the same images with the same model, each on its own). */
    static void assertClose(List<Double> expected, List<Double> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), 1e-9, "distance " + i);
        }
    }

    static Map<String, Object> query(String mode) {
        Map<String, Object> q = Api.query(DATASET, MODEL, LAYER, "cosine", 10, QUERY_ID);
        q.put("mode", mode);
        return q;
    }

    static JsonPath json(Response r) {
        return r.jsonPath(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    /** The 200 answer of a query at {@code base}, waiting for the collection's build when the first answer is 202. */
    static JsonPath search(String base, Map<String, Object> body) {
        Response r = given().baseUri(base).contentType(ContentType.JSON).body(body).post("/api/search/query");
        if (r.statusCode() == 202) {
            String job = r.jsonPath().getString("job");
            await("the build job " + job, () -> {
                String state = given().baseUri(base).get(job).then().statusCode(200).extract().path("state");
                assertTrue(!"failed".equals(state) && !"cancelled".equals(state), job + " " + state);
                return "succeeded".equals(state);
            });
            r = given().baseUri(base).contentType(ContentType.JSON).body(body).post("/api/search/query");
        }
        assertEquals(200, r.statusCode(), r.asString());
        return json(r);
    }

    /** Polls an approximate query until Solr answers it (exact meanwhile, saying so: Solr is being filled). */
    static JsonPath awaitApproximate(String base, Map<String, Object> body) {
        JsonPath[] last = new JsonPath[1];
        await("the Solr collection to be in step", () -> {
            last[0] = search(base, body);
            return "approximate".equals(last[0].getString("mode"));
        });
        return last[0];
    }

    static JsonPath upload(String base, Path photo, String mode) {
        return json(given().baseUri(base).multiPart("image", photo.toFile(), "image/jpeg").multiPart("dataset", DATASET)
                .multiPart("model", MODEL).multiPart("layer", LAYER).multiPart("metric", "cosine")
                .multiPart("k", "10").multiPart("mode", mode).post("/api/search/query-image").then().statusCode(200)
                .extract().response());
    }

    static JsonPath get(String base, String path) {
        return json(given().baseUri(base).get(path).then().statusCode(200).extract().response());
    }

    static void await(String what, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            Api.pause();
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
