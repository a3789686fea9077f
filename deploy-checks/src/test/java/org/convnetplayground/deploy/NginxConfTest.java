package org.convnetplayground.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.convnetplayground.deploy.NginxConf.Directive;
import org.junit.jupiter.api.Test;

/** frontend/nginx.conf: the one origin of the UI, proxying the three APIs like frontend/server.mjs. */
class NginxConfTest {

    static Path file() {
        Dockerfile df = Dockerfile.read(Deployment.dockerfile(Compose.load(Compose.NO_ENV), Deployment.FRONTEND));
        // The conf the image uses: whatever the final stage copies to /etc/nginx/nginx.conf.
        String source = df.finalStage().copies().stream()
                .filter(c -> c.from() == null && c.destination().equals("/etc/nginx/nginx.conf"))
                .map(c -> c.sources().get(0))
                .findFirst()
                .orElseThrow(() -> new AssertionError("frontend/Dockerfile does not copy an nginx.conf to /etc/nginx/nginx.conf"));
        return Deployment.context(Compose.load(Compose.NO_ENV), Deployment.FRONTEND).resolve(source);
    }

    static Directive conf() {
        return NginxConf.parse(Repo.read(file()));
    }

    static Directive server() {
        List<Directive> servers = conf().first("http").orElseThrow(() -> new AssertionError("no http block")).all("server");
        assertEquals(1, servers.size(), "nginx.conf should have exactly one server block");
        return servers.get(0);
    }

    static int listenPort() {
        List<Directive> listen = server().all("listen");
        assertEquals(1, listen.size(), "the server should listen on exactly one port");
        String arg = listen.get(0).arg(0);
        return Integer.parseInt(arg.substring(arg.lastIndexOf(':') + 1));
    }

    /** Proxying locations: prefix → the upstream URL their proxy_pass ends up with (set $variables resolved). */
    static Map<String, String> proxied() {
        Map<String, String> out = new TreeMap<>();
        for (Directive location : server().all("location")) {
            Optional<Directive> pass = location.first("proxy_pass");
            if (pass.isEmpty()) {
                continue;
            }
            assertEquals(1, location.args().size(), "proxying location " + location.args() + " should be a plain prefix");
            out.put(location.arg(0), resolveVariables(location, pass.get().arg(0)));
        }
        return out;
    }

    private static String resolveVariables(Directive location, String value) {
        Map<String, String> vars = new HashMap<>();
        for (Directive set : location.all("set")) {
            vars.put(set.arg(0), set.arg(1));
        }
        String out = value;
        for (Map.Entry<String, String> v : vars.entrySet()) {
            out = out.replace(v.getKey(), v.getValue());
        }
        assertFalse(out.contains("$"), "proxy_pass " + value + " uses a variable the location does not set");
        return out;
    }

    @Test
    void proxiesExactlyTheThreeApisToTheirServices() {
        Map<String, String> expected = new TreeMap<>();
        for (String service : Repo.serviceNames()) {
            String restPath = Repo.applicationProperties(service).getProperty("quarkus.rest.path");
            expected.put(restPath + "/", "http://" + service + ":" + Repo.httpPort(service));
        }
        assertEquals(expected, proxied(), "nginx.conf should proxy each service's REST root (quarkus.rest.path) to the"
                + " compose service of that name on its quarkus.http.port");
        Compose compose = Compose.load(Compose.NO_ENV);
        for (String upstream : proxied().values()) {
            assertTrue(compose.serviceNames().contains(URI.create(upstream).getHost()), upstream + " is not a compose service");
        }
    }

    /** proxy_pass without a URI part passes the request path unchanged, as server.mjs does. */
    @Test
    void pathsArePassedUnchanged() {
        for (Map.Entry<String, String> p : proxied().entrySet()) {
            String path = URI.create(p.getValue()).getRawPath();
            assertTrue(path == null || path.isEmpty(), p.getKey() + ": proxy_pass " + p.getValue() + " rewrites the path");
        }
    }

    /** Upstreams in variables are resolved per request: that needs a resolver (Docker's DNS), or every request fails. */
    @Test
    void variableUpstreamsHaveAResolver() {
        boolean variables = server().all("location").stream().flatMap(l -> l.all("proxy_pass").stream()).anyMatch(p -> p.arg(0).contains("$"));
        if (variables) {
            boolean resolver = !server().all("resolver").isEmpty() || !conf().first("http").orElseThrow().all("resolver").isEmpty();
            assertTrue(resolver, "proxy_pass uses variables but no resolver is configured (Docker's is 127.0.0.11)");
        }
    }

    /** nginx's own 502/503/504 for an API become 503 problem+json naming the service, worded as server.mjs words it. */
    @Test
    void anUnreachableServiceIsA503ProblemNamingIt() throws IOException {
        for (Directive location : server().all("location")) {
            if (location.first("proxy_pass").isEmpty()) {
                continue;
            }
            String upstream = proxied().get(location.arg(0));
            String service = URI.create(upstream).getHost();
            Directive errorPage = location.all("error_page").stream()
                    .filter(e -> e.args().containsAll(List.of("502", "503", "504")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(location.arg(0) + ": no error_page for 502 503 504"));
            String target = errorPage.args().get(errorPage.args().size() - 1);
            assertTrue(target.startsWith("@"), location.arg(0) + ": error_page should go to a named location");
            assertTrue(errorPage.args().contains("="), location.arg(0) + ": error_page needs `=` so the named location's status is used");
            Directive named = namedLocation(target);
            assertEquals("application/problem+json", named.first("default_type").map(d -> d.arg(0)).orElse(""), target + ": content type");
            Directive ret = named.first("return").orElseThrow(() -> new AssertionError(target + ": no return"));
            assertEquals("503", ret.arg(0), target + ": status");
            JsonNode problem = Compose.JSON.readTree(ret.arg(1));
            assertEquals(503, problem.path("status").asInt(), target + ": problem status");
            // The wording of server.mjs, which the UI shows as it is: "the <service> is unavailable at <url> (<reason>)".
            String detail = problem.path("detail").asText();
            assertTrue(detail.startsWith("the " + service + " is unavailable at " + upstream), target
                    + ": the detail should read \"the " + service + " is unavailable at " + upstream + " ...\" like server.mjs: " + detail);
            assertFalse(problem.path("title").asText().isEmpty(), target + ": problem title");
        }
    }

    /** The largest body nginx lets through is the largest the services accept, and a larger one is problem+json too. */
    @Test
    void bodyLimitMatchesTheServices() throws IOException {
        long largest = 0;
        for (String service : Repo.serviceNames()) {
            String limit = Repo.applicationProperties(service).getProperty("quarkus.http.limits.max-body-size", "10240K");
            largest = Math.max(largest, Deployment.bytes(limit));
        }
        Directive size = server().first("client_max_body_size").orElseThrow(() -> new AssertionError("no client_max_body_size"));
        assertEquals(largest, Deployment.bytes(size.arg(0)), "client_max_body_size differs from the services' quarkus.http.limits.max-body-size");
        for (Directive location : server().all("location")) {
            if (location.first("proxy_pass").isPresent()) {
                assertTrue(location.first("client_max_body_size").isEmpty(), location.arg(0) + " overrides client_max_body_size");
                Directive tooLarge = location.all("error_page").stream().filter(e -> e.args().contains("413")).findFirst()
                        .orElseThrow(() -> new AssertionError(location.arg(0) + ": no error_page for 413 (error_page is not inherited"
                                + " by a location that has its own)"));
                Directive named = namedLocation(tooLarge.args().get(tooLarge.args().size() - 1));
                assertEquals("application/problem+json", named.first("default_type").map(d -> d.arg(0)).orElse(""));
                assertEquals(413, Compose.JSON.readTree(named.first("return").orElseThrow().arg(1)).path("status").asInt());
            }
        }
    }

    @Test
    void unknownPathsGetTheSinglePageApp() {
        Directive root = location("/").orElseThrow(() -> new AssertionError("no `location /`"));
        List<String> tryFiles = root.first("try_files").orElseThrow(() -> new AssertionError("location / has no try_files")).args();
        assertEquals("/index.html", tryFiles.get(tryFiles.size() - 1), "location / should fall back to /index.html");
        assertTrue(header(root, "Cache-Control").orElse("").contains("no-cache"), "the app's index.html must not be cached");
    }

    @Test
    void hashedAssetsAreCachedForAYear() {
        Directive assets = location("/assets/").orElseThrow(() -> new AssertionError("no `location /assets/`"));
        String cache = header(assets, "Cache-Control").orElse("");
        assertTrue(cache.contains("immutable") && cache.contains("max-age=31536000"), "/assets/ caching: " + cache);
    }

    /** The image runs nginx as a non-root user: the pid file and temporary files must live where it can write. */
    @Test
    void writesOnlyUnderTmp() {
        Directive main = conf();
        assertTrue(main.first("pid").map(p -> p.arg(0)).orElse("/run/nginx.pid").startsWith("/tmp/"), "pid file outside /tmp");
        assertTrue(main.first("user").isEmpty(), "`user` needs root; the image runs as an unprivileged user");
        for (String temp : List.of("client_body_temp_path", "proxy_temp_path")) {
            String path = main.first("http").orElseThrow().first(temp).map(d -> d.arg(0)).orElse("/var/cache/nginx");
            assertTrue(path.startsWith("/tmp/"), temp + " outside /tmp: " + path);
        }
    }

    @Test
    void listensOnThePortTheComposeFileMaps() {
        Compose compose = Compose.load(Compose.NO_ENV);
        int port = listenPort();
        assertEquals(List.of(port), compose.ports(Deployment.FRONTEND).stream().map(Compose.Port::target).toList());
        assertEquals(port, URI.create(compose.healthCheckUrl(Deployment.FRONTEND).orElseThrow()).getPort());
    }

    /** nginx itself checks the syntax where it is installed (skipped elsewhere). */
    @Test
    void nginxAcceptsTheFile() throws Exception {
        List<String> dirs = new java.util.ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/sbin");
        Optional<Path> nginx = dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, "nginx")).filter(Files::isExecutable).findFirst();
        assumeTrue(nginx.isPresent() && Files.isRegularFile(Path.of("/etc/nginx/mime.types")),
                "nginx is not installed here: nginx -t skipped");
        Process p = new ProcessBuilder(nginx.get().toString(), "-t", "-q", "-c", file().toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "nginx -t did not finish");
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), "nginx -t rejects nginx.conf:\n" + out);
    }

    // ---- helpers ----

    private static Directive namedLocation(String name) {
        return server().all("location").stream().filter(l -> l.arg(0).equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no location " + name));
    }

    private static Optional<Directive> location(String prefix) {
        return server().all("location").stream().filter(l -> l.args().size() == 1 && l.arg(0).equals(prefix)).findFirst();
    }

    private static Optional<String> header(Directive location, String name) {
        return location.all("add_header").stream().filter(h -> h.arg(0).equalsIgnoreCase(name)).map(h -> h.arg(1)).findFirst();
    }
}
