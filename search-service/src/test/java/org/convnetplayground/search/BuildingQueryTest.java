package org.convnetplayground.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Queries while a collection is built: the 202 answer tells where to wait for the job (long-poll), carries the hits
 * among the images stored so far, and a name that is wrong is a 404 naming it before the collection exists as after.
 * The build that is looked at is a real one, slowed by its size: 4,000 images through MobileNet v2.
 */
@QuarkusTest
@QuarkusTestResource(value = UpstreamServices.class, restrictToAnnotatedClass = false)
class BuildingQueryTest {

    static final String LARGE = "tinyimagenet-val4000";
    static final String V2 = "mobilenet_v2_1.0_224";
    static final String QUERY = "abacus/val_1130.JPEG";
    static final Duration DEADLINE = Duration.ofMinutes(3);

    @Test
    void aBuildingCollectionAnswersWithPartialResultsAndItsJobCanBeLongPolled() {
        Map<String, Object> body = Queries.body(LARGE, V2, "global_pool", "cosine", 10, QUERY);
        Response first = Queries.post(body);
        assertEquals(202, first.statusCode(), first.asString());
        JsonPath accepted = first.jsonPath();
        String job = accepted.getString("job");
        assertEquals(job + "?wait=10000", accepted.getString("poll"));
        assertNotNull(accepted.get("partial"), "a query on a collection being built says how far it is");
        try {
            // a long-poll answers as soon as the job changes, not when its wait is over
            JsonPath before = given().get(job).then().statusCode(200).extract().jsonPath();
            Instant asked = Instant.now();
            JsonPath changed = given().get(accepted.getString("poll")).then().statusCode(200).extract().jsonPath();
            assertTrue(Duration.between(asked, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0,
                    "answered before its 10 s wait was over");
            assertFalse(sameView(before, changed), "answered with a change: " + changed.prettify());

            // once some images are stored, the query answers 202 with the nearest among them
            JsonPath running = awaitJob(accepted.getString("poll"), j -> j.getLong("done") >= 48);
            assertEquals("running", running.getString("state"), "a 4,000-image build is still running");
            JsonPath partial = Queries.post(body).then().statusCode(202).extract().jsonPath();
            assertEquals(job, partial.getString("job"), "the same build");
            int done = partial.getInt("partial.done");
            long total = partial.getLong("partial.total");
            assertEquals(4000, total);
            assertTrue(done >= 32 && done < total, "partial results among " + done + " of " + total);
            assertEquals((double) done / total, partial.getDouble("partial.fraction"), 1e-4);
            List<Map<String, Object>> hits = partial.getList("partial.hits");
            assertEquals(10, hits.size());
            double previous = -1;
            for (Map<String, Object> hit : hits) {
                assertFalse(QUERY.equals(hit.get("id")), "the query is not among its hits");
                double d = ((Number) hit.get("distance")).doubleValue();
                double s = ((Number) hit.get("similarity")).doubleValue();
                assertTrue(d >= previous && s >= 0 && s <= 100, "sorted by distance: " + hits);
                previous = d;
            }
            assertEquals(10, new HashSet<>(partial.getList("partial.hits.id")).size());

            // a vector query too; a vector of the wrong size is refused as it would be once the collection exists
            float[] vector = new float[1280];
            java.util.Arrays.fill(vector, 0.25f);
            Map<String, Object> byVector = new HashMap<>(body);
            byVector.remove("queryId");
            byVector.put("vector", vector);
            JsonPath vectorPartial = given().contentType(ContentType.JSON).body(byVector).post("/api/search/query-vector")
                    .then().statusCode(202).extract().jsonPath();
            assertEquals(10, vectorPartial.getList("partial.hits").size());
            byVector.put("vector", new float[] {1, 2, 3});
            given().contentType(ContentType.JSON).body(byVector).post("/api/search/query-vector").then().statusCode(400)
                    .body("detail", containsString("1280"));
        } finally {
            // cancelled: nothing is stored, and the extraction on the feature-service stops too
            given().delete(job).then().statusCode(204);
        }
        JsonPath cancelled = awaitJob(job + "?wait=10000", j -> isFinal(j.getString("state")));
        assertEquals("cancelled", cancelled.getString("state"));
        assertNull(cancelled.get("poll"), "an ended job has nothing to wait for");
        Instant asked = Instant.now();
        given().get(job + "?wait=10000").then().statusCode(200).body("state", startsWith("cancelled"));
        assertTrue(Duration.between(asked, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0,
                "an ended job answers at once");
        given().get("/api/search/collections").then().statusCode(200)
                .body("findAll { it.dataset == '" + LARGE + "' && it.model == '" + V2 + "' }.size()", org.hamcrest.Matchers.equalTo(0));
        given().get(job + "?wait=-1").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("wait"));
    }

    @Test
    void wrongNamesAre404sNamingThemBeforeTheCollectionExists() {
        // caltech101-iconic200 x squeezenet1.1 x fire9 is built by no test: every answer here comes before it exists
        Map<String, Object> ok = Queries.body("caltech101-iconic200", "squeezenet1.1", "fire9", "cosine", 5,
                "elephant/image_0001.jpg");
        problem(with(ok, "queryId", "elephant/no-such-image.jpg"), 404)
                .body("detail", startsWith("unknown image 'elephant/no-such-image.jpg'"))
                .body("detail", containsString("caltech101-iconic200"));
        problem(with(ok, "queryId", "no-such-folder/x.jpg"), 404)
                .body("detail", startsWith("unknown image 'no-such-folder/x.jpg'"));
        problem(with(ok, "queryId", "elephant/../elephant/image_0001.jpg"), 404)
                .body("detail", startsWith("unknown image 'elephant/../elephant/image_0001.jpg'"));
        problem(with(ok, "dataset", "no-such-dataset"), 404)
                .body("detail", startsWith("unknown dataset 'no-such-dataset'"));
        problem(with(ok, "model", "resnet9000"), 404).body("detail", startsWith("unknown model 'resnet9000'"));
        problem(with(ok, "layer", "conv99"), 404)
                .body("detail", startsWith("unknown layer 'conv99' for model 'squeezenet1.1'"));
        // none of them started a build
        given().get("/api/search/jobs").then().statusCode(200)
                .body("findAll { it.key != null && it.key.contains('squeezenet1.1') }.size()",
                        org.hamcrest.Matchers.equalTo(0));

        // and after: the same unknown image of a stored collection names the image and the collection's dataset
        Map<String, Object> built = Queries.body(Queries.TINY_DATASET, Queries.TINY_MODEL,
                SearchResourceTest.tinyEmbedding(), "cosine", 5,
                "goldfish/n01443537_0.JPEG");
        Queries.query(built);
        problem(with(built, "queryId", "goldfish/no-such-image.JPEG"), 404)
                .body("detail", startsWith("unknown image 'goldfish/no-such-image.JPEG'"))
                .body("detail", containsString(Queries.TINY_DATASET));
    }

    private static boolean isFinal(String state) {
        return List.of("succeeded", "failed", "cancelled").contains(state);
    }

    private static boolean sameView(JsonPath a, JsonPath b) {
        return Objects.equals(a.getString("state"), b.getString("state")) && a.getLong("done") == b.getLong("done")
                && a.getLong("total") == b.getLong("total")
                && Objects.equals(a.getString("message"), b.getString("message"));
    }

    /** Long-polls {@code url} until {@code until} holds; fails on the deadline. */
    private static JsonPath awaitJob(String url, java.util.function.Predicate<JsonPath> until) {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (true) {
            JsonPath j = given().get(url).then().statusCode(200).extract().jsonPath();
            if (until.test(j)) {
                return j;
            }
            assertFalse(isFinal(j.getString("state")), "the job ended: " + j.prettify());
            assertTrue(Instant.now().isBefore(deadline), "no such state within " + DEADLINE + ": " + j.prettify());
        }
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    private static io.restassured.response.ValidatableResponse problem(Map<String, Object> body, int status) {
        return Queries.post(body).then().statusCode(status).contentType("application/problem+json");
    }
}
