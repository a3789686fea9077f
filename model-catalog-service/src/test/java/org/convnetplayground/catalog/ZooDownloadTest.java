package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.catalog.CatalogTesting.JSON;
import static org.convnetplayground.catalog.CatalogTesting.awaitJob;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A zoo read from a file (cnp.catalog.zoo-file) whose one entry points at a loopback HTTP server serving a copy of a
 * shared model: listed, downloaded on request into the store, then shown as installed.
 */
@QuarkusTest
@TestProfile(ZooDownloadTest.LocalZoo.class)
class ZooDownloadTest {

    static ModelFileServer server;

    /** Starts the server and writes the zoo file before the service starts, so the zoo can name the server's port. */
    public static class LocalZoo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                synchronized (ZooDownloadTest.class) {
                    byte[] file = CatalogTesting.mobilenetBytes();
                    if (server == null) {
                        server = new ModelFileServer(file, true);
                    }
                    ObjectNode metadata = CatalogTesting.mobilenetJson("local_mobilenet");
                    metadata.remove("sha256");
                    ((ObjectNode) metadata.get("output")).put("labels_file", "imagenet_labels.txt");
                    ObjectNode entry = JSON.createObjectNode().put("id", "local_mobilenet").put("url", server.url())
                            .put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)))
                            .put("size_bytes", file.length);
                    entry.set("metadata", metadata);
                    ObjectNode zoo = JSON.createObjectNode();
                    zoo.putArray("models").add(entry);
                    Path zooFile = Path.of("target/test-data/zoo-test.json").toAbsolutePath();
                    Files.createDirectories(zooFile.getParent());
                    Files.writeString(zooFile, zoo.toString());
                    // the zoo's server is on loopback: allowed here by network (ModelDownloadTest allows a host name)
                    return Map.of("cnp.catalog.zoo-file", zooFile.toString(),
                            "cnp.catalog.download.allowed-networks", "127.0.0.0/8");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // The store is emptied while the service still runs: in @AfterAll RestAssured no longer points at it.
    @AfterEach
    void emptyStore() {
        CatalogTesting.emptyStore();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void aZooModelIsDownloadedOnRequestAndThenInstalled() {
        CatalogTesting.emptyStore();
        given().get("/api/catalog/zoo").then().statusCode(200)
                .body("id", equalTo(List.of("local_mobilenet")))
                .body("[0].installed", equalTo(false))
                .body("[0].sizeBytes", equalTo((int) CatalogTesting.MOBILENET_DIR.resolve("model.onnx").toFile().length()));
        String job = given().post("/api/catalog/zoo/local_mobilenet/download").then().statusCode(202)
                .extract().header("Location");
        Map<String, Object> done = awaitJob(job, Duration.ofSeconds(60));
        assertEquals("succeeded", done.get("state"), String.valueOf(done));
        given().get("/api/catalog/zoo").then().body("[0].installed", equalTo(true));
        given().get("/api/catalog/models/local_mobilenet").then().statusCode(200)
                .body("origin", equalTo("download"))
                .body("hasClassifier", equalTo(true));
        given().get("/api/catalog/models/local_mobilenet/labels").then().body("size()", equalTo(1000));
        given().post("/api/catalog/zoo/local_mobilenet/download").then().statusCode(409)
                .body("detail", containsString("model id 'local_mobilenet' is taken"));
        assertEquals(List.of(""), server.requestedRanges);
    }
}
