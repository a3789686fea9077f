package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.catalog.CatalogTesting.JSON;
import static org.convnetplayground.catalog.CatalogTesting.assertUnharmed;
import static org.convnetplayground.catalog.CatalogTesting.awaitJob;
import static org.convnetplayground.catalog.CatalogTesting.mobilenetBytes;
import static org.convnetplayground.catalog.CatalogTesting.mobilenetJson;
import static org.convnetplayground.catalog.CatalogTesting.sharedModels;
import static org.convnetplayground.catalog.CatalogTesting.storeEntries;
import static org.convnetplayground.catalog.CatalogTesting.upload;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Huge uploads and downloads against an import limit of 1 MB: refused with a 413 problem naming the limit, streamed
 * (never held in memory, refused before reading when the declared length is too large), nothing stored.
 */
@QuarkusTest
@TestProfile(ImportLimitTest.OneMegabyte.class)
class ImportLimitTest {

    static final long LIMIT = 1_000_000;

    public static class OneMegabyte implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cnp.catalog.max-import-bytes", Long.toString(LIMIT),
                    "cnp.catalog.download.allowed-hosts", "127.0.0.1");
        }
    }

    @Inject
    ModelStore store;

    @Inject
    ModelDownloads downloads;

    @TestHTTPResource("/")
    URL root;

    List<String> shared;

    @BeforeEach
    void snapshot() {
        CatalogTesting.emptyStore();
        shared = sharedModels();
    }

    @AfterEach
    void clean() {
        CatalogTesting.emptyStore();
    }

    @Test
    void aModelFileOverTheLimitIsA413NamingTheLimit() throws Exception {
        byte[] model = mobilenetBytes();
        assertTrue(model.length > LIMIT);
        upload(model, mobilenetJson("too_big").toString())
                .statusCode(413).contentType("application/problem+json")
                .body("detail", equalTo("the model file is " + model.length + " bytes; the import limit is " + LIMIT
                        + " bytes (cnp.catalog.max-import-bytes)"));
        assertUnharmed(shared, store.storeDir(), List.of());

        // a small model still fits
        upload(CatalogTesting.tinyImageModel(), CatalogTesting.tinyMetadata("tiny_conv")).statusCode(201)
                .body("inputSize", equalTo(List.of(8, 8)))
                .body("featureLayers", equalTo(List.of("conv", "relu", "pool")))
                .body("embeddingLayer", equalTo("pool"));
        assertUnharmed(shared, store.storeDir(), List.of("tiny_conv"));
    }

    @Test
    void aStreamedUploadWithoutALengthIsWrittenToDiskAndRefused() throws Exception {
        // 8 MB of "model" sent chunked, produced on the fly: the service never sees its length up front
        String boundary = "cnp-test-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"model.json\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + mobilenetJson("streamed") + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"model\"; filename=\"model.onnx\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long size = 8L << 20;
        InputStream zeros = new InputStream() {
            long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 7 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 7);
                left -= n;
                return n;
            }
        };
        InputStream body = new SequenceInputStream(new ByteArrayInputStream(head),
                new SequenceInputStream(zeros, new ByteArrayInputStream(tail)));
        HttpRequest request = HttpRequest.newBuilder(root.toURI().resolve("/api/catalog/models"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .timeout(Duration.ofSeconds(60))
                .build();
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("the model file is " + size + " bytes; the import limit is " + LIMIT
                + " bytes (cnp.catalog.max-import-bytes)", JSON.readTree(response.body()).get("detail").asText());
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void anUploadDeclaringALargerLengthIsRefusedBeforeItsBodyIsRead() throws Exception {
        long declared = 500L << 20;
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/catalog/models HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: " + declared + "\r\n\r\n--x\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // not a byte more is sent: the answer comes anyway
            String answer = readAnswer(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.contains("application/problem+json"), answer);
            assertTrue(answer.contains("the upload is " + declared + " bytes; the import limit is " + LIMIT
                    + " bytes for the model file (cnp.catalog.max-import-bytes)"), answer);
        }
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    /** The status line, headers and the problem document, read without waiting for the connection to close. */
    private static String readAnswer(InputStream in) throws java.io.IOException {
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[1024];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (answer.toString().trim().endsWith("}")) {
                    break;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("no complete answer; got: " + answer, e);
        }
        return answer.toString();
    }

    @Test
    void aDownloadOverTheLimitFailsWithoutStoringAnything() throws Exception {
        byte[] model = mobilenetBytes();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
        ObjectNode metadata = mobilenetJson("big_download");
        for (boolean declared : List.of(true, false)) {
            try (ModelFileServer server = new ModelFileServer(model, true)) {
                server.hideLength = !declared;
                ObjectNode body = JSON.createObjectNode().put("url", server.url()).put("sha256", sha);
                body.set("metadata", metadata);
                String job = given().contentType("application/json").body(body.toString())
                        .post("/api/catalog/models/download").then().statusCode(202).extract().header("Location");
                Map<String, Object> done = awaitJob(job, Duration.ofSeconds(60));
                assertEquals("failed", done.get("state"));
                Map<?, ?> error = (Map<?, ?>) done.get("error");
                assertEquals(413, error.get("status"));
                assertTrue(((String) error.get("detail")).contains("the import limit is " + LIMIT + " bytes"),
                        String.valueOf(error));
            }
            assertEquals(List.of(), storeEntries(downloads.downloadsDir()), "no partial file");
            assertUnharmed(shared, store.storeDir(), List.of());
        }
    }
}
