package org.convnetplayground.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;

/**
 * Numbers at the edges (issue 10): parameters out of range are refused naming the range, vectors of any finite
 * float32 magnitude rank correctly with finite distances, and no answer holds NaN or Infinity.
 */
@QuarkusTest
@QuarkusTestResource(value = UpstreamServices.class, restrictToAnnotatedClass = false)
class FiniteNumbersTest {

    static final String LAYER = "global_pool";
    static final String QUERY_ID = "goldfish/n01443537_0.JPEG";

    /** Builds the collection if needed (REST Assured knows the port only once a test runs, not in @BeforeAll). */
    @org.junit.jupiter.api.BeforeEach
    void buildTheCollection() {
        Queries.query(Queries.body(Queries.TINY_DATASET, Queries.TINY_MODEL, LAYER, "cosine", 5, QUERY_ID));
    }

    static Map<String, Object> vectorQuery(String metric, int k, float[] vector, Double p) {
        Map<String, Object> b = new HashMap<>();
        b.put("dataset", Queries.TINY_DATASET);
        b.put("model", Queries.TINY_MODEL);
        b.put("layer", LAYER);
        b.put("metric", metric);
        b.put("k", k);
        b.put("vector", vector);
        if (p != null) {
            b.put("p", p);
        }
        return b;
    }

    static Response postVector(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/search/query-vector");
    }

    /**
     * {@code v} times the power of two that brings its largest value to the binade of {@code largest}: exact while
     * the results stay normal floats, so a scale-blind metric (cosine) must rank exactly as for {@code v}.
     */
    static float[] scaledTo(float[] v, float largest) {
        float max = 0;
        for (float x : v) {
            max = Math.max(max, Math.abs(x));
        }
        int shift = Math.getExponent(largest) - Math.getExponent(max);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.scalb(v[i], shift);
        }
        return out;
    }

    /** Numbers read as doubles: REST Assured's default floats would turn 1e77 into Infinity. */
    static JsonPath doubles(String body) {
        return JsonPath.from(body).using(io.restassured.path.json.config.JsonPathConfig.jsonPathConfig()
                .numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.DOUBLE));
    }

    /** The raw 200 answer to a GET, waiting for its job first when it answers 202. */
    static String ready(String path) {
        Response r = given().get(path);
        if (r.statusCode() == 202) {
            Queries.awaitJob(r.jsonPath().getString("job"));
            r = given().get(path);
        }
        assertEquals(200, r.statusCode(), path + ": " + r.asString());
        return r.asString();
    }

    @Test
    void minkowskiExponentOutsideItsRangeIsRefusedNamingTheRange() {
        Map<String, Object> ok = Queries.body(Queries.TINY_DATASET, Queries.TINY_MODEL, LAYER, "minkowski", 5, QUERY_ID);
        for (Object p : List.of(1e308, 1000.5, 0.5, -3, "NaN", "Infinity")) {
            Map<String, Object> body = new HashMap<>(ok);
            body.put("p", p);
            Queries.post(body).then().statusCode(400).contentType("application/problem+json")
                    .body("parameter", equalTo("p")).body("detail", containsString("from 1 to 1000"));
        }
        for (String p : List.of("1e308", "NaN", "-Infinity", "0")) {
            given().get("/api/search/evaluation?" + AnalysisResourceTest.COLLECTION + "&metric=minkowski&p=" + p)
                    .then().statusCode(400).body("detail", containsString("from 1 to 1000"));
        }
        // both ends of the range answer, with finite distances
        for (double p : new double[] {1, 1000}) {
            Map<String, Object> body = new HashMap<>(ok);
            body.put("p", p);
            JsonPath r = Queries.query(body);
            assertEquals(5, r.getList("hits").size());
            JsonScan.assertFinite("p " + p, Queries.post(body).asString());
        }
    }

    /**
     * A query vector near Float.MAX_VALUE: squares and p-th powers overflow float and double, yet every distance is
     * finite, equal to the reference, and cosine (blind to scale) ranks as it does for the unscaled vector.
     */
    @Test
    void vectorsNearTheFloatLimitRankWithFiniteDistances() {
        float[] v = SearchResourceTest.vector(LAYER, QUERY_ID);
        float[] huge = scaledTo(v, 3.4e38f);
        float[] tiny = scaledTo(v, 1e-30f);
        for (float[] q : List.of(huge, tiny)) {
            for (String metric : Metric.names()) {
                for (double p : metric.equals("minkowski") ? new double[] {3, 1000} : new double[] {3}) {
                    String body = postVector(vectorQuery(metric, 20, q, p)).then().statusCode(200).extract().asString();
                    JsonScan.assertFinite(metric, body);
                    List<Map<String, Object>> hits = doubles(body).getList("hits");
                    assertEquals(20, hits.size());
                    double previous = -1;
                    for (Map<String, Object> hit : hits) {
                        Number d = (Number) hit.get("distance");
                        String what = metric + " p " + p + (q == huge ? " huge " : " tiny ") + hit.get("id");
                        assertTrue(d != null && Double.isFinite(d.doubleValue()), what + ": " + d);
                        double expected = Metric.byName(metric).orElseThrow().distance(q,
                                SearchResourceTest.vector(LAYER, (String) hit.get("id")), p);
                        assertEquals(expected, d.doubleValue(), 1e-9 * Math.abs(expected), what);
                        assertTrue(d.doubleValue() >= previous, what + ": sorted");
                        previous = d.doubleValue();
                    }
                }
            }
        }
        List<String> scaled = postVector(vectorQuery("cosine", 20, huge, null)).jsonPath().getList("hits.id");
        List<String> plain = postVector(vectorQuery("cosine", 20, v, null)).jsonPath().getList("hits.id");
        assertEquals(plain, scaled, "cosine ignores the scale");
    }

    @Test
    void vectorValuesBeyondFloatRangeAreRefused() {
        float[] v = SearchResourceTest.vector(LAYER, QUERY_ID);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            json.append(i == 7 ? "1e39" : Float.toString(v[i])).append(i + 1 < v.length ? "," : "]");
        }
        given().contentType(ContentType.JSON).body("{\"dataset\":\"" + Queries.TINY_DATASET + "\",\"model\":\""
                        + Queries.TINY_MODEL + "\",\"layer\":\"" + LAYER + "\",\"vector\":" + json + "}")
                .post("/api/search/query-vector").then().statusCode(400).contentType("application/problem+json")
                .body("parameter", equalTo("vector")).body("detail", containsString("index 7"))
                .body("detail", containsString("float32"));
    }

    /** Cosine of a zero vector is undefined (NaN), bray-curtis of u and -u infinite: both are null, ranked last. */
    @Test
    void undefinedAndInfiniteDistancesAreNullAndRankLast() {
        int n = given().get("/api/search/collections/" + Queries.TINY_DATASET + "/" + Queries.TINY_MODEL + "/" + LAYER)
                .then().statusCode(200).extract().jsonPath().getInt("size");
        String zero = postVector(vectorQuery("cosine", 10, new float[SearchResourceTest.vector(LAYER, QUERY_ID).length],
                null)).then().statusCode(200).extract().asString();
        JsonScan.assertFinite("zero vector", zero);
        for (Map<String, Object> hit : JsonPath.from(zero).<Map<String, Object>>getList("hits")) {
            assertNull(hit.get("distance"));
            assertEquals(0, ((Number) hit.get("similarity")).doubleValue());
        }
        float[] v = SearchResourceTest.vector(LAYER, QUERY_ID);
        float[] minus = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            minus[i] = -v[i];
        }
        String answer = postVector(vectorQuery("braycurtis", n, minus, null)).then().statusCode(200).extract().asString();
        JsonScan.assertFinite("bray-curtis of -v", answer);
        List<Map<String, Object>> hits = JsonPath.from(answer).getList("hits");
        Map<String, Object> last = hits.get(hits.size() - 1);
        assertEquals(QUERY_ID, last.get("id"), "the row equal to -query is infinitely far: last");
        assertNull(last.get("distance"));
        assertEquals(0, ((Number) last.get("similarity")).doubleValue());
    }

    /** Every kind of answer, hostile numbers included, scanned for NaN and Infinity. */
    @Test
    void noAnswerHoldsNaNOrInfinity() {
        List<String> answers = new ArrayList<>();
        answers.add(given().get("/api/search/metrics").asString());
        answers.add(given().get("/api/search/metrics/minkowski").asString());
        answers.add(given().get("/api/search/collections").asString());
        for (String metric : Metric.names()) {
            Map<String, Object> body = Queries.body(Queries.TINY_DATASET, Queries.TINY_MODEL, LAYER, metric, 200, QUERY_ID);
            Queries.query(body);
            answers.add(Queries.post(body).then().statusCode(200).extract().asString());
            answers.add(ready("/api/search/evaluation?" + AnalysisResourceTest.COLLECTION + "&metric=" + metric));
            answers.add(ready("/api/search/duplicates?" + AnalysisResourceTest.COLLECTION + "&metric=" + metric));
        }
        float[] v = SearchResourceTest.vector(LAYER, QUERY_ID);
        for (float[] q : List.of(scaledTo(v, 3.4e38f), scaledTo(v, Float.MIN_VALUE), new float[v.length])) {
            for (String metric : Metric.names()) {
                answers.add(postVector(vectorQuery(metric, 200, q, metric.equals("minkowski") ? 1000.0 : null)).asString());
            }
        }
        answers.add(ready("/api/search/evaluation?" + AnalysisResourceTest.COLLECTION + "&metric=minkowski&p=1000"));
        for (String method : List.of("pca", "tsne")) {
            answers.add(ready("/api/search/projection?" + AnalysisResourceTest.COLLECTION + "&method=" + method));
        }
        answers.add(ready("/api/search/projection?" + AnalysisResourceTest.COLLECTION + "&method=tsne&sample=3"));
        answers.add(given().get("/api/search/leaderboard?dataset=" + Queries.TINY_DATASET + "&models="
                + Queries.TINY_MODEL + "&metrics=cosine&start=false").asString());
        answers.add(given().get("/api/search/jobs").asString());
        int numbers = 0;
        for (int i = 0; i < answers.size(); i++) {
            if (!answers.get(i).isBlank()) {
                numbers += JsonScan.assertFinite("answer " + i, answers.get(i));
            }
        }
        assertTrue(numbers > 10_000, "scanned " + numbers + " numbers");
    }
}
