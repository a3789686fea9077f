package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.catalog.CatalogTesting.assertUnharmed;
import static org.convnetplayground.catalog.CatalogTesting.awaitJob;
import static org.convnetplayground.catalog.CatalogTesting.downloadBody;
import static org.convnetplayground.catalog.CatalogTesting.mobilenetBytes;
import static org.convnetplayground.catalog.CatalogTesting.sharedModels;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.ServerSocket;
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
 * With the operator's allow-list naming the loopback server's host (127.0.0.1) and nothing else: the server is
 * reached, an allowed redirect is followed, a redirect to another name or spelling of this machine fails the job with
 * "address not allowed" before that address is asked, and a closed port reads exactly like a server that never
 * answers - "cannot fetch" and the URL.
 */
@QuarkusTest
@TestProfile(ModelDownloadTest.LoopbackAllowed.class)
class DownloadRedirectTest {

    static final Duration JOB_LIMIT = Duration.ofSeconds(60);

    @Inject
    ModelStore store;

    @Inject
    ModelDownloads downloads;

    byte[] file;
    String sha;
    List<String> shared;

    @BeforeEach
    void setUp() throws Exception {
        CatalogTesting.emptyStore();
        file = mobilenetBytes();
        sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        shared = sharedModels();
    }

    @AfterEach
    void clean() {
        CatalogTesting.emptyStore();
    }

    private Map<String, Object> download(String id, String url) throws Exception {
        String job = given().contentType("application/json").body(downloadBody(id, url, sha))
                .post("/api/catalog/models/download").then().statusCode(202).extract().header("Location");
        return awaitJob(job, JOB_LIMIT);
    }

    @Test
    void anAllowedRedirectIsFollowed() throws Exception {
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            server.redirectTo = server.url();
            Map<String, Object> done = download("redirected", "http://127.0.0.1:" + server.port() + "/redirect");
            assertEquals("succeeded", done.get("state"), String.valueOf(done));
            assertEquals(List.of("/redirect", "/model.onnx"), server.requestedPaths);
        }
        given().get("/api/catalog/models/redirected").then().statusCode(200).body("sha256", equalTo(sha));
    }

    @Test
    void aRedirectToAnotherNameOrSpellingOfThisMachineFailsTheJobBeforeItIsAsked() throws Exception {
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            int port = server.port();
            for (String target : List.of("http://localhost:" + port + "/model.onnx",
                    "http://2130706433:" + port + "/model.onnx",
                    "http://[::ffff:127.0.0.1]:" + port + "/model.onnx",
                    "http://[::1]:" + port + "/model.onnx")) {
                server.requestedPaths.clear();
                server.redirectTo = target;
                Map<String, Object> done = download("redirected_away", "http://127.0.0.1:" + port + "/redirect");
                assertEquals("failed", done.get("state"), String.valueOf(done));
                Map<?, ?> error = (Map<?, ?>) done.get("error");
                assertEquals(400, error.get("status"), String.valueOf(error));
                assertEquals("Address not allowed", error.get("title"));
                assertEquals(target, error.get("value"));
                String detail = (String) error.get("detail");
                assertTrue(detail.startsWith("cannot fetch " + target + ": the ") && detail.contains("loopback"), detail);
                assertEquals(List.of("/redirect"), server.requestedPaths, "the redirect's target was never asked");
            }
        }
        assertEquals(List.of(), CatalogTesting.storeEntries(downloads.downloadsDir()));
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void redirectsGoRoundAtMostFiveTimes() throws Exception {
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            String url = "http://127.0.0.1:" + server.port() + "/redirect";
            server.redirectTo = url;
            Map<String, Object> done = download("round_and_round", url);
            assertEquals("failed", done.get("state"));
            assertEquals("cannot fetch " + url + ": it redirects more than 5 times; start the download again to retry",
                    ((Map<?, ?>) done.get("error")).get("detail"));
            assertEquals(6, server.requestedPaths.size());
        }
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    /** A port scanner learns nothing: a closed port and a server that never answers fail with the same words. */
    @Test
    void aClosedPortAndASilentServerReadAlike() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = probe.getLocalPort();
        }
        String closedUrl = "http://127.0.0.1:" + closed + "/model.onnx";
        Map<String, Object> refused = download("closed_port", closedUrl);
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            String silentUrl = "http://127.0.0.1:" + server.port() + "/silent";
            Map<String, Object> silent = download("silent_server", silentUrl);
            for (Map.Entry<String, Map<String, Object>> e : Map.of(closedUrl, refused, silentUrl, silent).entrySet()) {
                assertEquals("failed", e.getValue().get("state"));
                Map<?, ?> error = (Map<?, ?>) e.getValue().get("error");
                assertEquals(502, error.get("status"));
                assertEquals("Download failed", error.get("title"));
                assertEquals("cannot fetch " + e.getKey() + "; start the download again to retry", error.get("detail"));
            }
        }
        assertUnharmed(shared, store.storeDir(), List.of());
    }
}
