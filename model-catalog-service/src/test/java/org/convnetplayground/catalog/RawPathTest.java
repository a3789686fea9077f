package org.convnetplayground.catalog;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Vert.x routes by the normalised path, so without a guard {@code GET /api/catalog/../../q/metrics} (sent raw, as
 * curl --path-as-is or any socket can) is answered by /q/metrics - and so is {@code %2e%2e}. A proxy forwarding only
 * /api/catalog/* would then expose the internal endpoints. Every service refuses such paths with a 400 problem
 * (libs/http-problem PathProblems); here on the catalog.
 */
@QuarkusTest
class RawPathTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void pathsWithDotSegmentsNeverReachAnInternalEndpoint() throws Exception {
        for (String path : List.of("/api/catalog/../../q/metrics", "/api/catalog/%2e%2e/%2e%2e/q/metrics",
                "/api/catalog/%2E%2E/%2e./q/health/ready", "/api/catalog/models/../../../q/openapi",
                "/api/catalog/./models", "/api/catalog/..", "/api/catalog/models/..%2f..%2f..%2fq/metrics",
                "/api/catalog/models/%2e%2e%5c%2e%2e%5cq/metrics")) {
            String response = rawGet(path);
            assertTrue(response.startsWith("HTTP/1.1 400 "), path + " => " + response);
            assertTrue(response.toLowerCase().contains("content-type: application/problem+json"), response);
            assertTrue(response.contains("\"detail\":\"invalid path: '" + path + "'; expected a path without '.' or "
                    + "'..' segments (also when percent-encoded); the API is described at /q/openapi\""), path + " => " + response);
            assertFalse(response.contains("cnp_models") || response.contains("\"checks\"")
                    || response.contains("openapi: "), "nothing internal: " + response);
        }
        // ordinary paths, with dots inside names, still work
        assertTrue(rawGet("/api/catalog/models/mobilenet_v2_1.0_224").startsWith("HTTP/1.1 200 "));
        assertTrue(rawGet("/api/catalog/models/squeezenet1.1/layers/fire9").startsWith("HTTP/1.1 200 "));
        String longPath = "/api/catalog/" + "a/".repeat(300) + "..";
        String refused = rawGet(longPath);
        assertTrue(refused.startsWith("HTTP/1.1 400 "), refused);
        assertFalse(refused.contains(longPath), "a long path is not echoed whole");
        assertTrue(refused.contains("/a/a… (" + longPath.length() + " characters)'; expected a path"),
                "it is cut after 200 characters: " + refused);
    }

    private String rawGet(String path) throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
