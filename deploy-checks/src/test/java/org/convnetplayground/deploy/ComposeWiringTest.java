package org.convnetplayground.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** docker-compose.yml against the services it runs: ports, health checks, volumes, mounts, variables, order. */
class ComposeWiringTest {

    private static final Compose COMPOSE = Compose.load(Compose.NO_ENV);

    static Stream<String> javaServices() {
        return Repo.serviceNames().stream();
    }

    static Stream<Map<String, String>> environments() {
        return Stream.of(Compose.NO_ENV, Compose.VOLUME_ENV);
    }

    @ParameterizedTest
    @MethodSource("javaServices")
    void portsAndHealthCheckUseTheServicePort(String service) {
        int port = Repo.httpPort(service);
        List<Compose.Port> ports = COMPOSE.ports(service);
        for (Compose.Port p : ports) {
            assertEquals(port, p.target(), service + ": a port mapping targets " + p.target() + ", the service listens on " + port);
        }
        String url = COMPOSE.healthCheckUrl(service).orElseThrow(() -> new AssertionError(service + ": no HTTP health check"));
        URI uri = URI.create(url);
        assertEquals(port, uri.getPort(), service + ": the health check asks port " + uri.getPort());
        assertTrue(Set.of("127.0.0.1", "localhost").contains(uri.getHost()), service + ": the health check runs inside the container: " + url);
        assertEquals("/q/health/ready", uri.getPath(), service + ": the health check should ask for readiness");
    }

    @Test
    void everyServiceHasAHealthCheck() {
        for (String service : COMPOSE.serviceNames()) {
            JsonNode hc = COMPOSE.service(service).path("healthcheck");
            assertFalse(hc.isMissingNode() || hc.path("disable").asBoolean(false), service + " has no health check");
            assertTrue(COMPOSE.healthCheckUrl(service).isPresent(), service + ": the health check requests no URL");
        }
    }

    /** The program a health check runs exists in the runtime image (known base image, or installed by the Dockerfile). */
    @Test
    void healthChecksUseAProgramTheImageHas() {
        for (String service : COMPOSE.serviceNames()) {
            String tool = COMPOSE.healthCheckTool(service).orElseThrow(() -> new AssertionError(service + ": cannot tell the health check's program"));
            if (!Deployment.isBuilt(COMPOSE, service)) {
                String image = COMPOSE.service(service).path("image").asText();
                Set<String> tools = Deployment.knownServiceImage(image).orElseThrow(() -> new AssertionError(service
                        + ": image " + image + " is not known; add it to Deployment.KNOWN_SERVICE_IMAGES")).tools();
                assertTrue(tools.contains(tool), service + ": the health check runs " + tool + ", which " + image
                        + " is not known to contain (known: " + tools + ")");
                continue;
            }
            Dockerfile.Stage last = Dockerfile.read(Deployment.dockerfile(COMPOSE, service)).finalStage();
            Set<String> tools = new TreeSet<>(Deployment.installedTools(last));
            Deployment.knownBaseImage(last.image()).ifPresent(b -> tools.addAll(b.tools()));
            assertTrue(tools.contains(tool), service + ": the health check runs " + tool + ", which " + last.image()
                    + " is not known to contain (known: " + tools + "); install it or add the verified image to Deployment.KNOWN_BASE_IMAGES");
        }
    }

    @ParameterizedTest
    @MethodSource("environments")
    void everyNamedVolumeIsDeclared(Map<String, String> env) {
        Compose compose = Compose.load(env);
        Set<String> declared = new TreeSet<>();
        compose.doc().path("volumes").fieldNames().forEachRemaining(declared::add);
        for (String service : compose.serviceNames()) {
            for (Compose.Mount m : compose.mounts(service)) {
                if (m.type().equals("volume") && !m.source().isEmpty()) {
                    assertTrue(declared.contains(m.source()), service + ": volume '" + m.source() + "' (with " + env
                            + ") is not declared under the top-level volumes: " + declared);
                }
            }
        }
    }

    /** With nothing set, the demo's models and datasets come from ../shared next to the repository: it must be there. */
    @Test
    void bindMountSourcesExistWithTheDefaults() {
        int binds = 0;
        for (String service : COMPOSE.serviceNames()) {
            for (Compose.Mount m : COMPOSE.mounts(service)) {
                if (m.type().equals("bind")) {
                    binds++;
                    Path source = COMPOSE.dir().resolve(m.source()).normalize();
                    assertTrue(Files.exists(source), service + ": bind mount source " + m.source() + " (" + source
                            + ") does not exist; Docker would create it empty");
                }
            }
        }
        assertTrue(binds > 0, "no bind mounts: the models and datasets should be mountable from a host folder");
    }

    /** CNP_SHARED_DIR moves both host folders; the *_SOURCE variables switch them to the named volumes. */
    @Test
    void theSharedFolderCanBeChosen() {
        Compose moved = Compose.load(Map.of("CNP_SHARED_DIR", "/srv/cnp-shared"));
        Compose volumes = Compose.load(Compose.VOLUME_ENV);
        for (String service : COMPOSE.serviceNames()) {
            List<Compose.Mount> defaults = COMPOSE.mounts(service);
            List<Compose.Mount> elsewhere = moved.mounts(service);
            List<Compose.Mount> named = volumes.mounts(service);
            for (int i = 0; i < defaults.size(); i++) {
                if (defaults.get(i).type().equals("bind")) {
                    assertTrue(elsewhere.get(i).source().startsWith("/srv/cnp-shared/"), service + ": CNP_SHARED_DIR is not used by " + defaults.get(i));
                    assertEquals("volume", named.get(i).type(), service + ": " + defaults.get(i) + " cannot be switched to a named volume");
                }
            }
        }
    }

    /** Every CNP_* variable a service reads in production is set in its container (compose environment or image ENV). */
    @ParameterizedTest
    @MethodSource("javaServices")
    void everyVariableTheServiceReadsIsSet(String service) {
        Map<String, String> env = Deployment.containerEnvironment(COMPOSE, service);
        List<Deployment.Variable> variables = Deployment.variables(service);
        assertFalse(variables.isEmpty(), service + ": no CNP_* variable found in application.properties");
        for (Deployment.Variable v : variables) {
            String value = env.get(v.name());
            assertNotNull(value, service + " reads " + v.name() + " (" + v.property() + ", default '" + v.defaultValue()
                    + "', which means nothing in a container) but neither docker-compose.yml nor its Dockerfile sets it");
            assertFalse(value.isBlank(), service + ": " + v.name() + " is empty");
        }
    }

    /** URLs of other services name a compose service on that service's port, and the caller waits for it to be healthy. */
    @ParameterizedTest
    @MethodSource("javaServices")
    void serviceUrlsPointAtHealthyServices(String service) {
        Map<String, String> env = Deployment.containerEnvironment(COMPOSE, service);
        for (Deployment.Variable v : Deployment.variables(service)) {
            if (!v.defaultValue().startsWith("http")) {
                continue;
            }
            URI uri = URI.create(env.get(v.name()));
            String target = uri.getHost();
            assertTrue(COMPOSE.serviceNames().contains(target), service + ": " + v.name() + "=" + uri + " names no compose service");
            // a service run from its image (the cluster profile's Solr) listens where its container port is published
            int targetPort = Deployment.isBuilt(COMPOSE, target) ? Repo.httpPort(target)
                    : COMPOSE.ports(target).get(0).target();
            assertEquals(targetPort, uri.getPort(), service + ": " + v.name() + " uses port " + uri.getPort()
                    + " but " + target + " listens on " + targetPort);
            assertEquals(URI.create(v.defaultValue()).getPort(), uri.getPort(), service + ": " + v.name()
                    + " points at another service than its default " + v.defaultValue());
            JsonNode dep = COMPOSE.service(service).path("depends_on").path(target);
            assertEquals("service_healthy", dep.path("condition").asText(), service + " calls " + target
                    + " and should wait for it with depends_on condition service_healthy");
        }
    }

    /**
     * Directories a service reads or writes are mounts: data directories named, writable volumes (they persist),
     * model and dataset roots any mount.
     */
    @ParameterizedTest
    @MethodSource("javaServices")
    void directoriesAreMounted(String service) {
        Map<String, String> env = Deployment.containerEnvironment(COMPOSE, service);
        List<Compose.Mount> mounts = COMPOSE.mounts(service);
        int checked = 0;
        for (Deployment.Variable v : Deployment.variables(service)) {
            if (!v.property().endsWith("-dir")) {
                continue;
            }
            checked++;
            String path = Path.of(v.resolve(env.get(v.name()))).normalize().toString();
            assertTrue(path.startsWith("/"), service + ": " + v.property() + " resolves to a relative path " + path);
            Optional<Compose.Mount> mount = mounts.stream()
                    .filter(m -> path.equals(m.target()) || path.startsWith(m.target() + "/"))
                    .findFirst();
            assertTrue(mount.isPresent(), service + ": " + v.property() + " = " + path + " is on no volume or mount");
            if (v.property().endsWith("data-dir")) {
                assertEquals("volume", mount.get().type(), service + ": its data directory should be a named volume");
                assertFalse(mount.get().readOnly(), service + ": its data directory is mounted read-only");
                assertFalse(mount.get().source().isEmpty(), service + ": its data directory is an anonymous volume (lost on `down`)");
            }
        }
        assertTrue(checked > 0, service + ": no *-dir property reads a CNP_* variable");
    }

    @Test
    void servicesRestartUnlessStopped() {
        for (String service : COMPOSE.serviceNames()) {
            assertEquals("unless-stopped", COMPOSE.service(service).path("restart").asText(), service + ": restart policy");
        }
    }

    /** The frontend is served on 8080, as outside containers. */
    @Test
    void theUiIsOnPort8080() {
        List<Compose.Port> ports = COMPOSE.ports(Deployment.FRONTEND);
        assertEquals(1, ports.size());
        assertEquals("8080", ports.get(0).published());
    }

    /** A service whose natives are x86-64 only runs on linux/amd64, emulated where the host is not. */
    @ParameterizedTest
    @MethodSource("javaServices")
    void servicesWithX86OnlyNativesPinThePlatform(String service) {
        boolean x86Only = Repo.read(Repo.serviceDir(service).resolve("pom.xml")).contains("<classifier>linux-x86_64</classifier>");
        String platform = COMPOSE.service(service).path("platform").asText("");
        if (x86Only) {
            assertEquals("linux/amd64", platform, service + " bundles linux-x86_64 natives only");
        }
    }

    /** The order: a service waits for what it calls at start; the web UI only needs the others to exist. */
    @Test
    void dependenciesFormNoCycle() {
        List<String> order = new ArrayList<>();
        List<String> pending = new ArrayList<>(COMPOSE.serviceNames());
        while (!pending.isEmpty()) {
            String next = pending.stream().filter(s -> {
                List<String> deps = new ArrayList<>();
                COMPOSE.service(s).path("depends_on").fieldNames().forEachRemaining(deps::add);
                return order.containsAll(deps);
            }).findFirst().orElseThrow(() -> new AssertionError("depends_on has a cycle among " + pending));
            order.add(next);
            pending.remove(next);
        }
        assertEquals(Deployment.FRONTEND, order.get(order.size() - 1), "the web UI starts last");
    }
}
