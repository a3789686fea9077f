package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.catalog.CatalogTesting.JSON;
import static org.convnetplayground.catalog.CatalogTesting.MOBILENET;
import static org.convnetplayground.catalog.CatalogTesting.assertUnharmed;
import static org.convnetplayground.catalog.CatalogTesting.awaitJob;
import static org.convnetplayground.catalog.CatalogTesting.mobilenetBytes;
import static org.convnetplayground.catalog.CatalogTesting.sharedModels;
import static org.convnetplayground.catalog.CatalogTesting.storeEntries;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.convnetplayground.catalog.download.ModelDownloads;
import org.convnetplayground.catalog.store.ModelStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Downloads from a real HTTP server on loopback serving a copy of a shared model: verified by checksum, with byte
 * progress; a wrong checksum leaves nothing behind; a download cut off halfway fails cleanly and a retry resumes it
 * with a Range request (or starts over where the server has no Range support). The loopback server is reached because
 * the operator allows its host ({@link LoopbackAllowed}); failures name the URL and nothing of what arrived.
 */
@QuarkusTest
@TestProfile(ModelDownloadTest.LoopbackAllowed.class)
class ModelDownloadTest {

    /** Allows the test servers' host, 127.0.0.1, by name: other spellings and names of loopback stay refused. */
    public static class LoopbackAllowed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cnp.catalog.download.allowed-hosts", "127.0.0.1");
        }
    }

    static final Duration JOB_LIMIT = Duration.ofSeconds(60);

    @Inject
    ModelStore store;

    @Inject
    ModelDownloads downloads;

    byte[] file;
    String sha256;
    List<String> shared;

    @BeforeEach
    void setUp() throws Exception {
        CatalogTesting.emptyStore();
        file = mobilenetBytes();
        sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        shared = sharedModels();
        for (String partial : partials()) {
            Files.delete(downloads.downloadsDir().resolve(partial));
        }
    }

    @AfterEach
    void clean() {
        CatalogTesting.emptyStore();
    }

    private String request(String id, String url, String sha) throws Exception {
        return CatalogTesting.downloadBody(id, url, sha);
    }

    private String start(String body) {
        return given().contentType("application/json").body(body).post("/api/catalog/models/download").then()
                .statusCode(202)
                .body("state", org.hamcrest.Matchers.oneOf("queued", "running", "succeeded"))
                .body("kind", equalTo("model-download"))
                .body("job", startsWith("/api/catalog/jobs/"))
                .extract().header("Location");
    }

    private List<String> partials() throws Exception {
        return storeEntries(downloads.downloadsDir());
    }

    @Test
    void theRightChecksumImportsTheModelAndListsIt() throws Exception {
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            String job = start(request("fetched_mobilenet", server.url(), sha256));
            Map<String, Object> done = awaitJob(job, JOB_LIMIT);
            assertEquals("succeeded", done.get("state"), String.valueOf(done));
            assertEquals(1.0f, ((Number) done.get("progress")).floatValue());
            assertEquals(file.length, ((Number) done.get("done")).intValue());
            assertEquals(file.length, ((Number) done.get("total")).intValue());
            assertEquals("fetched_mobilenet", ((Map<?, ?>) done.get("model")).get("id"));
            assertEquals(List.of(""), server.requestedRanges);
        }
        given().get("/api/catalog/models").then().statusCode(200)
                .body("find { it.id == 'fetched_mobilenet' }.origin", equalTo("download"))
                .body("find { it.id == 'fetched_mobilenet' }.sha256", equalTo(sha256));
        Map<String, Object> original = given().get("/api/catalog/models/" + MOBILENET).then().extract().jsonPath().getMap("$");
        given().get("/api/catalog/models/fetched_mobilenet").then().statusCode(200)
                .body("featureLayers", equalTo(original.get("featureLayers")))
                .body("embeddingLayer", equalTo(original.get("embeddingLayer")))
                .body("layerCount", equalTo(original.get("layerCount")))
                .body("source.url", containsString("/model.onnx"));
        given().get("/api/catalog/jobs").then().statusCode(200).body("size()", org.hamcrest.Matchers.greaterThan(0));
        assertEquals(List.of(), partials(), "no partial download is left");
        assertUnharmed(shared, store.storeDir(), List.of("fetched_mobilenet"));
    }

    @Test
    void aWrongChecksumFailsTheJobAndLeavesNothing() throws Exception {
        String wrong = "0123456789abcdef".repeat(4);
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            String job = start(request("bad_checksum", server.url(), wrong));
            Map<String, Object> done = awaitJob(job, JOB_LIMIT);
            assertEquals("failed", done.get("state"));
            Map<?, ?> error = (Map<?, ?>) done.get("error");
            assertEquals(422, error.get("status"));
            assertEquals("checksum mismatch: the file downloaded from " + server.url() + " does not have the sha256 "
                    + wrong + " it was expected to have. The file was discarded and nothing was stored",
                    error.get("detail"));
            assertFalse(done.toString().contains(sha256), "nothing is said of what arrived: " + done);
        }
        given().get("/api/catalog/models/bad_checksum").then().statusCode(404);
        assertEquals(List.of(), partials(), "no partial file");
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void aDownloadCutHalfwayFailsCleanlyAndTheRetryResumesWithARangeRequest() throws Exception {
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            server.cutNext.set(1);
            String body = request("resumed_mobilenet", server.url(), sha256);
            Map<String, Object> broken = awaitJob(start(body), JOB_LIMIT);
            assertEquals("failed", broken.get("state"));
            Map<?, ?> error = (Map<?, ?>) broken.get("error");
            assertEquals(502, error.get("status"));
            given().get("/api/catalog/models/resumed_mobilenet").then().statusCode(404);
            assertUnharmed(shared, store.storeDir(), List.of());
            // the server sent half the file; what the client had read before the connection closed is kept
            Path part = downloads.downloadsDir().resolve(sha256 + ".part");
            long kept = Files.size(part);
            assertTrue(kept > 0 && kept <= file.length / 2, "kept " + kept);
            assertEquals("cannot fetch " + server.url() + ": the connection broke off; the bytes received are kept: "
                    + "start the download again to resume it", error.get("detail"));

            Map<String, Object> resumed = awaitJob(start(body), JOB_LIMIT);
            assertEquals("succeeded", resumed.get("state"), String.valueOf(resumed));
            assertEquals(List.of("", "bytes=" + kept + "-"), server.requestedRanges);
            assertEquals(List.of(200, 206), server.statuses);
            assertEquals(file.length, ((Number) resumed.get("done")).intValue());
        }
        given().get("/api/catalog/models/resumed_mobilenet").then().statusCode(200).body("sha256", equalTo(sha256));
        assertArrayEquals(file, given().get("/api/catalog/models/resumed_mobilenet/file").then().extract().asByteArray());
        assertEquals(List.of(), partials());
        assertUnharmed(shared, store.storeDir(), List.of("resumed_mobilenet"));
    }

    @Test
    void aResumedFileThatDoesNotMatchItsChecksumIsFetchedAgainFromTheStart() throws Exception {
        Files.createDirectories(downloads.downloadsDir());
        Files.write(downloads.downloadsDir().resolve(sha256 + ".part"), new byte[1000]);
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            Map<String, Object> done = awaitJob(start(request("refetched", server.url(), sha256)), JOB_LIMIT);
            assertEquals("succeeded", done.get("state"), String.valueOf(done));
            assertEquals(List.of("bytes=1000-", ""), server.requestedRanges);
            assertEquals(List.of(206, 200), server.statuses);
        }
        given().get("/api/catalog/models/refetched").then().statusCode(200).body("sha256", equalTo(sha256));
        assertEquals(List.of(), partials());
    }

    @Test
    void withoutRangeSupportTheRetryStartsOver() throws Exception {
        try (ModelFileServer server = new ModelFileServer(file, false)) {
            server.cutNext.set(1);
            String body = request("restarted_mobilenet", server.url(), sha256);
            assertEquals("failed", awaitJob(start(body), JOB_LIMIT).get("state"));
            Map<String, Object> again = awaitJob(start(body), JOB_LIMIT);
            assertEquals("succeeded", again.get("state"), String.valueOf(again));
            assertEquals(2, server.requestedRanges.size());
            assertTrue(server.requestedRanges.get(1).startsWith("bytes="), "the retry asked for the rest");
            assertEquals(List.of(200, 200), server.statuses, "the server sent the whole file again");
        }
        given().get("/api/catalog/models/restarted_mobilenet").then().statusCode(200).body("sha256", equalTo(sha256));
        assertEquals(List.of(), partials());
    }

    @Test
    void aStalledDownloadFailsAfterTheReadTimeout() throws Exception {
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            server.stallNext.set(1);
            Map<String, Object> stalled = awaitJob(start(request("stalled", server.url(), sha256)), JOB_LIMIT);
            assertEquals("failed", stalled.get("state"));
            String detail = (String) ((Map<?, ?>) stalled.get("error")).get("detail");
            assertEquals("cannot fetch " + server.url() + ": no data for 3 s; the bytes received are kept: start the "
                    + "download again to resume it", detail);
        }
        assertUnharmed(shared, store.storeDir(), List.of());
        assertEquals(List.of(sha256 + ".json", sha256 + ".part"), partials(), "the bytes received are kept");
    }

    @Test
    void aCancelledDownloadStoresNothingAndResumesWhenStartedAgain() throws Exception {
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            server.stallNext.set(1);
            String body = request("cancelled", server.url(), sha256);
            String job = start(body);
            long deadline = System.nanoTime() + JOB_LIMIT.toNanos();
            while (given().get(job).then().extract().jsonPath().getLong("done") == 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
            given().delete(job).then().statusCode(204);
            Map<String, Object> cancelled = awaitJob(job, JOB_LIMIT);
            assertEquals("cancelled", cancelled.get("state"));
            long kept = ((Number) cancelled.get("done")).longValue();
            assertTrue(kept > 0, "bytes were received before the cancellation");
            assertUnharmed(shared, store.storeDir(), List.of());

            Map<String, Object> resumed = awaitJob(start(body), JOB_LIMIT);
            assertEquals("succeeded", resumed.get("state"), String.valueOf(resumed));
            assertEquals(2, server.requestedRanges.size());
            assertEquals(List.of(200, 206), server.statuses, "the second download resumed");
        }
        given().get("/api/catalog/models/cancelled").then().statusCode(200).body("sha256", equalTo(sha256));
        assertEquals(List.of(), partials());
    }

    @Test
    void aFileThatIsNotAModelFailsTheJobAfterItsChecksumIsVerified() throws Exception {
        byte[] text = "not a model at all\n".repeat(1000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text));
        try (ModelFileServer server = new ModelFileServer(text, true)) {
            Map<String, Object> done = awaitJob(start(request("text_download", server.url(), sha)), JOB_LIMIT);
            assertEquals("failed", done.get("state"));
            assertEquals(400, ((Map<?, ?>) done.get("error")).get("status"));
            assertTrue(((String) ((Map<?, ?>) done.get("error")).get("detail")).startsWith("not an ONNX model"));
        }
        assertEquals(List.of(), partials());
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void badDownloadRequestsAreRefusedAtOnce() throws Exception {
        String ok = "https://example.org/model.onnx";
        refuse(request("a", "file:///etc/passwd", sha256), 400, "url", "expected an http:// or https:// URL");
        refuse(request("a", "ftp://example.org/model.onnx", sha256), 400, "url", "(not ftp)");
        refuse(request("a", "not a url", sha256), 400, "url", "expected an http:// or https:// URL");
        refuse(request("a", ok, "xyz"), 400, "sha256", "expected 64 hexadecimal digits");
        refuse(request("../evil", ok, sha256), 400, "id", "invalid id: '../evil'");
        refuse(request("a/b", ok, sha256), 400, "id", "invalid id: 'a/b'");
        refuse(request("squeezenet1.1", ok, sha256), 409, null, "model id 'squeezenet1.1' is taken");
        ObjectNode noMetadata = (ObjectNode) JSON.readTree(request("a", ok, sha256));
        noMetadata.remove("metadata");
        refuse(noMetadata.toString(), 400, "metadata", "missing metadata");
        ObjectNode zeroStd = (ObjectNode) JSON.readTree(request("a", ok, sha256));
        ((ObjectNode) zeroStd.at("/metadata/preprocessing")).putArray("std").add(1).add(0).add(1);
        refuse(zeroStd.toString(), 400, "metadata.preprocessing.std", "expected 3 numbers > 0");
        ObjectNode otherName = (ObjectNode) JSON.readTree(request("a", ok, sha256));
        ((ObjectNode) otherName.get("metadata")).put("name", "b");
        refuse(otherName.toString(), 400, "metadata.name", "expected 'a' (the id)");
        given().contentType("application/json").body("{\"id\": ").post("/api/catalog/models/download").then()
                .statusCode(400).contentType("application/problem+json");
        given().post("/api/catalog/zoo/no-such-model/download").then().statusCode(404)
                .body("detail", startsWith("unknown zoo model 'no-such-model'"));
        given().get("/api/catalog/jobs/no-such-job").then().statusCode(404).contentType("application/problem+json");
        assertEquals(List.of(), partials());
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void theZooListsWellKnownModelsWhoseMetadataPassesTheImportChecks() {
        List<Map<String, Object>> zoo = given().get("/api/catalog/zoo").then().statusCode(200).extract().jsonPath()
                .getList("$");
        assertEquals(List.of("squeezenet1.0-8", "shufflenet-v2-12", "googlenet-7", "densenet-12", "resnet18-v2-7"),
                zoo.stream().map(e -> e.get("id")).toList());
        for (Map<String, Object> e : zoo) {
            String id = (String) e.get("id");
            assertTrue(((String) e.get("url")).startsWith("https://github.com/onnx/models/raw/main/validated/vision/"
                    + "classification/"), id);
            assertTrue(((String) e.get("url")).endsWith("/" + id + ".onnx"), id);
            assertTrue(((String) e.get("sha256")).matches("[0-9a-f]{64}"), id);
            assertTrue(((Number) e.get("sizeBytes")).longValue() > 1_000_000, id);
            assertFalse(((String) e.get("license")).isBlank(), id);
            assertEquals(3, ((List<?>) ((Map<?, ?>) e.get("preprocessing")).get("mean")).size(), id);
            assertEquals("github:onnx/models", ((Map<?, ?>) e.get("source")).get("repository"), id);
            assertTrue(((String) e.get("notes")).startsWith("Not fetched by the project"), id);
            assertEquals(false, e.get("installed"), id);
            Map<?, ?> metadata = (Map<?, ?>) e.get("metadata");
            assertEquals(id, metadata.get("name"));
            // the same checks a download runs before it starts, and the preprocessing the catalog will serve
            assertEquals(id, store.checkNew(JSON.valueToTree(metadata)));
            org.convnetplayground.catalog.store.Preprocessing pre =
                    org.convnetplayground.catalog.store.ModelJson.read(id, JSON.valueToTree(metadata)).preprocessing();
            assertEquals(List.of(224, 224), pre.inputSize(), id);
            assertEquals(id.equals("googlenet-7") ? "stretch" : "shorter-side-crop", pre.resize(), id);
            assertEquals(id.equals("googlenet-7") ? 1.0 : 0.875, pre.cropFraction(), 1e-9, id);
            assertEquals(List.of("googlenet-7", "densenet-12").contains(id) ? "BGR" : "RGB", pre.channelOrder(), id);
        }
    }

    private static void refuse(String body, int status, String parameter, String detail) {
        var response = given().contentType("application/json").body(body).post("/api/catalog/models/download").then()
                .statusCode(status).contentType("application/problem+json")
                .body("detail", containsString(detail));
        if (parameter != null) {
            response.body("parameter", equalTo(parameter));
        }
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
