package org.convnetplayground.system;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Requests to the system through its one origin, and waiting for collection builds. */
final class Api {

    private Api() {
    }

    static RequestSpecification request() {
        return given().baseUri(Stack.get().base());
    }

    static Map<String, Object> query(String dataset, String model, String layer, String metric, int k, String queryId) {
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
        return request().contentType(ContentType.JSON).body(body).post("/api/search/query");
    }

    /** The 200 answer of a query, waiting for the collection to be built when the first answer is 202. */
    static JsonPath search(Map<String, Object> body) {
        Response r = post(body);
        if (r.statusCode() == 202) {
            awaitJob(r.jsonPath().getString("job"));
            r = post(body);
        }
        if (r.statusCode() != 200) {
            throw new AssertionError("query answered " + r.statusCode() + ": " + r.asString());
        }
        return r.jsonPath();
    }

    static JsonPath awaitJob(String jobUrl) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            JsonPath job = request().get(jobUrl).then().statusCode(200).extract().jsonPath();
            String state = job.getString("state");
            if ("succeeded".equals(state)) {
                return job;
            }
            if ("failed".equals(state) || "cancelled".equals(state)) {
                throw new AssertionError("job " + jobUrl + " ended " + state + ": " + job.prettify());
            }
            pause();
        }
        throw new AssertionError("job " + jobUrl + " did not finish in time");
    }

    static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
