package org.convnetplayground.features.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.convnetplayground.features.CatalogService;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * JSON bodies are held to cnp.features.max-json-body-size (8 MB) before parsing: a larger declared length is refused
 * without reading the body, a chunked body is cut off once it passes the limit, both with a 413 problem naming the
 * limit; a chunked body under the limit is read as usual. Raw HTTP, as a client library would not send these.
 */
@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class JsonBodyLimitTest {

    private static final long LIMIT = 8L * 1024 * 1024;

    @Test
    void theLimitIsTheDocumentedDefault() {
        assertEquals("8M", ConfigProvider.getConfig().getValue("cnp.features.max-json-body-size", String.class));
    }

    @Test
    void aDeclared50MbJsonBodyIsRefusedBeforeItIsRead() throws IOException {
        for (String type : new String[] {"application/json", "application/merge-patch+json; charset=UTF-8"}) {
            Raw r = send("POST /api/features/extractions HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type
                    + "\r\nContent-Length: 52428800\r\n\r\n{\"dataset\": \"", new byte[0], false);
            assertEquals(413, r.status, r.text);
            assertTrue(r.head.toLowerCase().contains("content-type: application/problem+json"), r.head);
            JsonPath problem = new JsonPath(r.body());
            assertEquals(413, problem.getInt("status"));
            assertEquals("the JSON body is 52428800 bytes; the limit for JSON bodies is " + LIMIT
                    + " bytes (cnp.features.max-json-body-size)", problem.getString("detail"));
        }
    }

    @Test
    void aChunkedJsonBodyIsCutOffWhenItPassesTheLimit() throws IOException {
        // one JSON string that never ends: 12 MB in 64 KB chunks
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        Raw r = send("POST /api/features/extractions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkOf("{\"dataset\": \"".getBytes(StandardCharsets.US_ASCII)),
                chunk, true);
        assertEquals(413, r.status, r.text);
        JsonPath problem = new JsonPath(r.body());
        assertEquals("the JSON body is larger than the limit for JSON bodies of " + LIMIT
                + " bytes (cnp.features.max-json-body-size)", problem.getString("detail"));
    }

    @Test
    void aChunkedJsonBodyUnderTheLimitIsRead() throws IOException {
        byte[] json = "{\"dataset\": \"caltech101-iconic200\", \"model\": \"resnet9000\"}".getBytes(StandardCharsets.US_ASCII);
        Raw r = send("POST /api/features/extractions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunkOf(json) + "0\r\n\r\n", new byte[0], false);
        // parsed whole: the model was read from the body and is unknown
        assertEquals(404, r.status, r.text);
        assertTrue(new JsonPath(r.body()).getString("detail").contains("unknown model 'resnet9000'"), r.text);
    }

    private static String chunkOf(byte[] data) {
        return Integer.toHexString(data.length) + "\r\n" + new String(data, StandardCharsets.ISO_8859_1) + "\r\n";
    }

    private record Raw(int status, String head, String text) {
        String body() {
            // a chunked answer: the problem document is the one JSON object in it
            return text.substring(text.indexOf('{'), text.lastIndexOf('}') + 1);
        }
    }

    /**
     * Sends {@code head}, then (when {@code stream}) {@code chunk} as HTTP chunks, 12 MB in all, stopping when the
     * server has answered and closed; returns the answer.
     */
    private static Raw send(String head, byte[] chunk, boolean stream) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (stream) {
                try {
                    byte[] framed = chunkOf(chunk).getBytes(StandardCharsets.ISO_8859_1);
                    for (long sent = 0; sent < 12L * 1024 * 1024; sent += chunk.length) {
                        out.write(framed);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (SocketException answeredAndClosed) {
                    // the server answered before the body ended and closed the connection
                }
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                    String text = answer.toString(StandardCharsets.ISO_8859_1);
                    if (text.contains("\r\n\r\n") && text.trim().endsWith("}") && !text.contains("chunked")) {
                        break;
                    }
                    if (text.contains("chunked") && text.endsWith("0\r\n\r\n")) {
                        break;
                    }
                }
            } catch (SocketException reset) {
                // a reset after the answer arrived
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            String h = split < 0 ? text : text.substring(0, split);
            int status = Integer.parseInt(h.lines().findFirst().orElse("HTTP/1.1 0").split(" ")[1]);
            return new Raw(status, h, text);
        }
    }
}
