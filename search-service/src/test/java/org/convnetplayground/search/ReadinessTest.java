package org.convnetplayground.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.CollectionStore;
import org.junit.jupiter.api.Test;

/**
 * Without the feature-service and the catalog (both pointed at a port nothing listens on), the service is still
 * ready: stored collections answer, and readiness tells what it cannot do as data (issue 10).
 */
@QuarkusTest
@TestProfile(ReadinessTest.WithoutUpstreams.class)
class ReadinessTest {

    /** No upstream services at all: the global UpstreamServices resource is left out. */
    public static class WithoutUpstreams implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String nowhere = "http://127.0.0.1:" + unusedPort();
            return Map.of("quarkus.rest-client.features.url", nowhere,
                    "quarkus.rest-client.catalog.url", nowhere,
                    "cnp.search.data-dir", "target/test-data/search-without-upstreams");
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    static int unusedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Inject
    CollectionStore store;

    /** A stored collection of three 2-d vectors: a (0, 0), b (1, 0), c (3, 0). */
    void storedCollection() throws IOException {
        CollectionKey key = new CollectionKey("stored", "some-model", "embedding", "avg");
        try (CollectionStore.Staging s = store.stage(key)) {
            ByteBuffer b = ByteBuffer.allocate(3 * 2 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(new float[] {0, 0, 1, 0, 3, 0});
            s.writeVectors(new ByteArrayInputStream(b.array()));
            s.commit(new CollectionMeta(key, 2, "v1", "", Instant.now(), List.of(new CollectionMeta.Item("a", "x"),
                    new CollectionMeta.Item("b", "x"), new CollectionMeta.Item("c", "y"))));
        }
    }

    @Test
    void readyForStoredCollectionsWhileTheFeatureServiceIsDown() throws Exception {
        storedCollection();

        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks[0].data.canBuild", equalTo(false))
                .body("checks[0].data.featureService", containsString("unavailable"));

        // the stored collection answers
        given().contentType(ContentType.JSON).body(Map.of("dataset", "stored", "model", "some-model", "layer",
                        "embedding", "metric", "euclidean", "k", 2, "queryId", "a"))
                .post("/api/search/query").then().statusCode(200).body("hits.id", equalTo(List.of("b", "c")));
        // what needs the feature-service says so
        given().contentType(ContentType.JSON).body(Map.of("dataset", "stored", "model", "some-model", "layer",
                        "other-layer", "queryId", "a"))
                .post("/api/search/query").then().statusCode(503).contentType("application/problem+json")
                .body("detail", containsString("feature-service"));
    }

    /** A value a client sent is echoed shortened: a 1 MB query id comes back as 200 characters and its length. */
    @Test
    void overLongValuesAreEchoedShortened() throws Exception {
        storedCollection();
        String huge = "q".repeat(1 << 20);
        String body = given().contentType(ContentType.JSON).body(Map.of("dataset", "stored", "model", "some-model",
                        "layer", "embedding", "queryId", huge))
                .post("/api/search/query").then().statusCode(400).contentType("application/problem+json")
                .body("value", equalTo("q".repeat(200) + "… (1048576 characters)"))
                .extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(body.length() < 4000, "answer of " + body.length() + " characters");
    }
}
