package org.convnetplayground.search;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Query helpers: ask, and when the collection is being built, wait for the job and ask again. */
final class Queries {

    static final String TINY_DATASET = "tinyimagenet200";
    static final String TINY_MODEL = "mobilenet_v1_0.25_128";
    static final Duration BUILD_DEADLINE = Duration.ofMinutes(4);

    private Queries() {
    }

    static Map<String, Object> body(String dataset, String model, String layer, String metric, int k, String queryId) {
        Map<String, Object> b = new HashMap<>();
        b.put("dataset", dataset);
        b.put("model", model);
        b.put("layer", layer);
        b.put("metric", metric);
        b.put("k", k);
        b.put("queryId", queryId);
        return b;
    }

    static Response post(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/search/query");
    }

    /** The 200 answer, waiting for a collection build if the first answer is 202. */
    static JsonPath query(Map<String, Object> body) {
        Response first = post(body);
        if (first.statusCode() == 202) {
            awaitJob(first.jsonPath().getString("job"));
            first = post(body);
        }
        if (first.statusCode() != 200) {
            throw new AssertionError("query answered " + first.statusCode() + ": " + first.asString());
        }
        return first.jsonPath();
    }

    /** Polls a job URL until it succeeds; fails on failure, cancellation or the deadline. */
    static JsonPath awaitJob(String url) {
        Instant deadline = Instant.now().plus(BUILD_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            JsonPath job = given().get(url).then().statusCode(200).extract().jsonPath();
            String state = job.getString("state");
            if (state.equals("succeeded")) {
                return job;
            }
            if (state.equals("failed") || state.equals("cancelled")) {
                throw new AssertionError("job " + url + " ended " + state + ": " + job.prettify());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("job " + url + " did not finish within " + BUILD_DEADLINE);
    }
}
