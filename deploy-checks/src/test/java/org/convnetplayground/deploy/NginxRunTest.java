package org.convnetplayground.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Docker image's nginx.conf run by a real nginx (where one is installed; make test installs it): the services'
 * names are pointed at a stand-in service on loopback, everything else is the file as the image uses it.
 */
class NginxRunTest {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @TempDir
    static Path tmp;
    private static Process nginx;
    private static HttpServer service;
    private static int port;
    private static final List<String> forwarded = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(NGINX) && Files.isRegularFile(Path.of("/etc/nginx/mime.types")),
                "nginx is not installed here: the nginx.conf run is skipped");
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/", exchange -> {
            forwarded.add(exchange.getRequestURI().getRawPath());
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        service.start();
        int servicePort = service.getAddress().getPort();
        port = freePort();
        int deadPort = freePort();

        Path html = Files.createDirectories(tmp.resolve("html"));
        Files.writeString(html.resolve("index.html"), "<!doctype html><title>ConvNet Playground</title>");
        String conf = Repo.read(NginxConfTest.file())
                .replace("/tmp/", tmp + "/")
                .replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
                .replace("root /usr/share/nginx/html;", "root " + html + ";")
                .replaceAll("resolver [^;]*;", "")
                .replaceAll("resolver_timeout [^;]*;", "")
                .replace("http://model-catalog-service:8081", "http://127.0.0.1:" + servicePort)
                .replace("http://search-service:8083", "http://127.0.0.1:" + servicePort)
                // the feature-service is down
                .replace("http://feature-service:8082", "http://127.0.0.1:" + deadPort);
        Path file = tmp.resolve("nginx.conf");
        Files.writeString(file, conf);
        // Run as root (CI), nginx's workers would switch to 'nobody', who cannot read the private temp folder.
        String global = "daemon off;" + ("root".equals(System.getProperty("user.name")) ? " user root;" : "");
        nginx = new ProcessBuilder(NGINX.toString(), "-p", tmp.toString(), "-c", file.toString(), "-g", global)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("nginx.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!answers(port)) {
            assertTrue(nginx.isAlive(), "nginx exited: " + Files.readString(tmp.resolve("nginx.log")));
            assertTrue(Instant.now().isBefore(deadline), "nginx did not listen within 20 s");
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        if (service != null) {
            service.stop(0);
        }
    }

    @Test
    void apiRequestsReachTheirService() throws IOException {
        Answer a = raw("GET /api/search/metrics HTTP/1.1");
        assertEquals(200, a.status(), a.text());
        assertTrue(forwarded.contains("/api/search/metrics"), forwarded.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/catalog/../../q/metrics", "/api/catalog/%2e%2e/%2E%2E/q/metrics",
            "/api/catalog/.%2e/q/metrics", "/api/catalog/x/..%2f..%2f..%2fq/metrics", "/api/search/./jobs",
            "/api/search/x/..%5C..%5Cq/metrics", "/api/search/..?x=1"})
    void dotSegmentsAreRefusedBeforeAnyService(String path) throws IOException {
        int before = forwarded.size();
        Answer a = raw("GET " + path + " HTTP/1.1");
        assertEquals(400, a.status(), path + ": " + a.text());
        assertTrue(a.text().contains("application/problem+json"), a.text());
        assertTrue(a.text().contains("expected a path without '.' or '..' segments"), a.text());
        assertEquals(before, forwarded.size(), path + " reached the service");
    }

    @Test
    void namesWithDotsAreForwarded() throws IOException {
        Answer a = raw("GET /api/search/collections/my.data/v1..2/file.tar.gz HTTP/1.1");
        assertEquals(200, a.status(), a.text());
        assertTrue(forwarded.contains("/api/search/collections/my.data/v1..2/file.tar.gz"), forwarded.toString());
    }

    @Test
    void aServiceThatIsDownIsA503ProblemNamingIt() throws IOException {
        Answer a = raw("GET /api/features/datasets HTTP/1.1");
        assertEquals(503, a.status(), a.text());
        assertTrue(a.text().contains("application/problem+json") && a.text().contains("feature-service"), a.text());
    }

    @Test
    void anUnknownApiIsA404Problem() throws IOException {
        Answer a = raw("GET /api/nothing HTTP/1.1");
        assertEquals(404, a.status(), a.text());
        assertTrue(a.text().contains("application/problem+json"), a.text());
    }

    @Test
    void theAppIsServed() throws IOException {
        Answer a = raw("GET /some/route HTTP/1.1");
        assertEquals(200, a.status(), a.text());
        assertTrue(a.text().contains("ConvNet Playground"), a.text());
    }

    private record Answer(int status, String text) {
    }

    /** Sends the request line as written (an HTTP client would normalise the path). */
    private static Answer raw(String requestLine) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(Integer.parseInt(text.split(" ", 3)[1]), text);
        }
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
