package org.convnetplayground.system;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The system started with an access token (CNP_API_TOKEN): writes need it at every service, through the web UI's
 * origin and directly; reads and queries do not (a query by someone without the token builds its collection: the
 * search-service asks the feature-service for an extraction with the token it was given); and no page of another site
 * can write, token or not.
 */
class AccessGuardSystemTest {

    private static final String TOKEN = "t0ken-for-the-guard-test";
    private static Stack stack;

    @BeforeAll
    static void start() {
        stack = Stack.startSeparate("guard", Map.of("cnp.api.token", TOKEN));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static RequestSpecification ui() {
        return given().baseUri(stack.base());
    }

    private static final Map<String, Object> QUERY = Api.query("caltech101-iconic200", "mobilenet_v1_0.25_128",
            "global_pool", "cosine", 5, "elephant/image_0001.jpg");

    @Test
    void writesWithoutTheTokenAreRefusedAtEveryService() {
        for (String path : new String[] {"/api/search/collections", "/api/features/extractions",
                "/api/catalog/models/download"}) {
            ui().contentType(ContentType.JSON).body("{}").post(path).then()
                    .statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body("type", equalTo("https://convnet-playground/problems/token-required"))
                    .body("detail", containsString("Authorization: Bearer"));
        }
        ui().delete("/api/features/datasets/caltech101-iconic200").then().statusCode(401);
        ui().header("Authorization", "Bearer wrong").delete("/api/catalog/models/squeezenet1.1").then().statusCode(401)
                .body("detail", containsString("not the one this server was started with"));
        // directly at a service's own port, too
        given().contentType(ContentType.JSON).body("{}").post(stack.search().url() + "/api/search/collections").then()
                .statusCode(401);
    }

    @Test
    void theRightTokenLetsAWriteThrough() {
        // a delete of a dataset that does not exist: past the guard, the feature-service itself answers 404
        ui().header("Authorization", "Bearer " + TOKEN).delete("/api/features/datasets/no-such-dataset").then()
                .statusCode(404).body("detail", containsString("no-such-dataset"));
    }

    @Test
    void readsNeedNoToken() {
        ui().get("/api/catalog/models").then().statusCode(200);
        ui().get("/api/features/datasets").then().statusCode(200);
        ui().get("/api/search/metrics").then().statusCode(200);
    }

    @Test
    void aQueryWithoutTheTokenBuildsItsCollectionThroughTheOtherServices() {
        Response first = ui().contentType(ContentType.JSON).body(QUERY).post("/api/search/query");
        if (first.statusCode() == 202) {
            String job = first.jsonPath().getString("job");
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            String state;
            do {
                Api.pause();
                state = ui().get(job).then().statusCode(200).extract().jsonPath().getString("state");
            } while (!state.equals("succeeded") && !state.equals("failed") && Instant.now().isBefore(deadline));
            assertEquals("succeeded", state, "the build (search-service -> feature-service with the token) ended");
            first = ui().contentType(ContentType.JSON).body(QUERY).post("/api/search/query");
        }
        first.then().statusCode(200).body("hits.size()", equalTo(5)).body("hits[0].label", equalTo("elephant"));
    }

    @Test
    void anotherSiteCannotWriteEvenWithTheToken() {
        ui().header("Authorization", "Bearer " + TOKEN).header("Origin", "http://evil.example")
                .multiPart("name", "evil").multiPart("archive", "x.zip", new byte[] {1, 2, 3})
                .post("/api/features/datasets").then()
                .statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("'http://evil.example'"));
        ui().header("Sec-Fetch-Site", "cross-site").header("Authorization", "Bearer " + TOKEN)
                .delete("/api/features/datasets/caltech101-iconic200").then().statusCode(403);
        ui().get("/api/features/datasets/caltech101-iconic200").then().statusCode(200);
    }
}
