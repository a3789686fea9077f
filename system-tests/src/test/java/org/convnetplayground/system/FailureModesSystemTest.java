package org.convnetplayground.system;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/** What users and operators see when one service is down, and that the others keep serving. */
class FailureModesSystemTest {

    static final Map<String, Object> QUERY = Api.query("tinyimagenet200", "mobilenet_v1_0.25_128", "global_pool",
            "cosine", 10, "sandal/n04133789_4.JPEG");

    @Test
    void withTheSearchServiceDownThePageSaysSoWithinFiveSecondsAndTheRestWorks() throws Exception {
        Stack stack = Stack.get();
        stack.stopSearch();
        try {
            Instant start = Instant.now();
            Response r = Api.post(QUERY);
            assertTrue(Duration.between(start, Instant.now()).toMillis() < 5000, "answered within 5 s");
            r.then().statusCode(503).contentType("application/problem+json")
                    .body("detail", containsString("search-service is unavailable"));
            Api.request().get("/api/catalog/models").then().statusCode(200);
            Api.request().get("/api/features/datasets").then().statusCode(200);

            int exit = ChildProcess.run(Repo.dir().resolve("frontend").toFile(), Map.of(
                    "CNP_BASE_URL", stack.base(),
                    "CNP_SCREENSHOTS", Repo.dir().resolve("target/screenshots").toString()),
                    Duration.ofMinutes(2), "node", "e2e/service-down.mjs");
            assertEquals(0, exit, "frontend/e2e/service-down.mjs failed; its output is above");
        } finally {
            stack.startSearchAgain();
        }
        Api.search(QUERY);
    }

    @Test
    void withTheFeatureServiceDownStoredCollectionsStillAnswerAndReadinessSaysWhy() {
        Stack stack = Stack.get();
        List<String> hits = Api.search(QUERY).getList("hits.id");
        String searchUrl = stack.search().url();
        given().get(searchUrl + "/q/health/ready").then().statusCode(200);
        stack.stopFeatures();
        try {
            Response stored = Api.post(QUERY);
            assertEquals(200, stored.statusCode(), stored.asString());
            assertEquals(hits, stored.jsonPath().getList("hits.id"));

            Map<String, Object> unbuilt = Api.query("tinyimagenet200", "mobilenet_v1_0.25_128", "Conv2d_3_pointwise",
                    "cosine", 10, "sandal/n04133789_4.JPEG");
            Api.post(unbuilt).then().statusCode(503).contentType("application/problem+json")
                    .body("detail", containsString("feature-service"));

            // ready for what it can serve (stored collections), the feature-service's state as data (issue 10)
            JsonPath ready = given().get(searchUrl + "/q/health/ready").then().statusCode(200).extract().jsonPath();
            assertEquals("UP", ready.getString("status"));
            assertTrue(ready.getString("checks[0].data.featureService").contains("unavailable"), ready.prettify());
            assertEquals(false, ready.getBoolean("checks[0].data.canBuild"), ready.prettify());
        } finally {
            stack.startFeaturesAgain();
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        boolean canBuild = false;
        while (Instant.now().isBefore(deadline) && !canBuild) {
            canBuild = given().get(searchUrl + "/q/health/ready").then().statusCode(200).extract().jsonPath()
                    .getBoolean("checks[0].data.canBuild");
            if (!canBuild) {
                Api.pause();
            }
        }
        assertTrue(canBuild, "builds again once the feature-service is back");
    }
}
