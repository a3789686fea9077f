package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.catalog.CatalogTesting.assertUnharmed;
import static org.convnetplayground.catalog.CatalogTesting.downloadBody;
import static org.convnetplayground.catalog.CatalogTesting.mobilenetBytes;
import static org.convnetplayground.catalog.CatalogTesting.sharedModels;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.convnetplayground.catalog.download.ModelDownloads;
import org.convnetplayground.catalog.store.ModelStore;
import org.junit.jupiter.api.Test;

/**
 * Server-side request forgery, with nothing allowed (the default): a download from this machine is refused with a 400
 * saying the address is not allowed, before any connection - whatever the spelling of the address. A real server
 * listens on loopback at the port each URL names, and is never asked for anything.
 */
@QuarkusTest
class DownloadAddressTest {

    @Inject
    ModelStore store;

    @Inject
    ModelDownloads downloads;

    @Test
    void everySpellingOfThisMachineIsRefusedBeforeAnyConnection() throws Exception {
        List<String> shared = sharedModels();
        byte[] file = mobilenetBytes();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        try (ModelFileServer server = new ModelFileServer(file, true)) {
            int port = server.port();
            List<String> urls = List.of(
                    "http://127.0.0.1:" + port + "/model.onnx",
                    "http://localhost:" + port + "/model.onnx",
                    "http://[::1]:" + port + "/q/metrics",
                    "http://2130706433:" + port + "/model.onnx",
                    "http://0x7f.1:" + port + "/model.onnx",
                    "http://0x7f000001:" + port + "/model.onnx",
                    "http://0177.0.0.1:" + port + "/model.onnx",
                    "http://127.1:" + port + "/model.onnx",
                    "http://[::ffff:127.0.0.1]:" + port + "/model.onnx",
                    "http://[::ffff:7f00:1]:" + port + "/model.onnx",
                    "http://user@127.0.0.1:" + port + "/model.onnx",
                    "https://127.0.0.1:" + port + "/model.onnx",
                    "http://0.0.0.0:" + port + "/model.onnx",
                    "http://[::]:" + port + "/model.onnx");
            for (String url : urls) {
                given().contentType("application/json").body(downloadBody("ssrf", url, sha))
                        .post("/api/catalog/models/download").then()
                        .statusCode(400).contentType("application/problem+json")
                        .body("title", equalTo("Address not allowed"))
                        .body("parameter", equalTo("url"))
                        .body("value", equalTo(url))
                        .body("detail", startsWith("cannot fetch " + url + ": the "))
                        .body("detail", matchesPattern("(?s).* is (loopback|unspecified) \\((127\\.0\\.0\\.0/8|::1|"
                                + "0\\.0\\.0\\.0|::)\\).*"))
                        .body("detail", endsWith("the catalog does not fetch from this machine or the networks around "
                                + "it unless an operator allows the host (cnp.catalog.download.allowed-hosts) or its "
                                + "network (cnp.catalog.download.allowed-networks)"));
            }
            assertEquals(List.of(), server.requestedPaths, "the server was never asked");
        }
        assertEquals(List.of(), CatalogTesting.storeEntries(downloads.downloadsDir()));
        assertUnharmed(shared, store.storeDir(), List.of());
    }
}
