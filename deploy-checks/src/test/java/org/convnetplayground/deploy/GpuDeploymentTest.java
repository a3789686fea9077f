package org.convnetplayground.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The feature-service's GPU set-up, statically: docker-compose.gpu.yml (an override of docker-compose.yml that
 * builds Dockerfile.gpu and reserves an NVIDIA GPU), the GPU Dockerfile against the service and the CPU image,
 * and the Maven profile that swaps in ONNX Runtime's CUDA build. No GPU or Docker is needed.
 */
class GpuDeploymentTest {

    static final String SERVICE = "feature-service";
    static final Path OVERRIDE = Repo.root().resolve("docker-compose.gpu.yml");
    static final Path GPU_DOCKERFILE = Repo.serviceDir(SERVICE).resolve("src/main/docker/Dockerfile.gpu");

    /** docker-compose.yml with the override applied as Compose merges files: mappings merged, the override's scalars win. */
    static Compose merged(Map<String, String> env) {
        try {
            JsonNode base = Compose.YAML.readTree(Repo.read(Repo.composeFile()));
            JsonNode override = Compose.YAML.readTree(Repo.read(OVERRIDE));
            String yaml = Compose.YAML.writeValueAsString(merge(base.deepCopy(), override));
            return Compose.parse(Repo.composeFile(), yaml, env);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode merge(JsonNode into, JsonNode from) {
        if (!(into instanceof ObjectNode target) || !from.isObject()) {
            return from;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode existing = target.get(f.getKey());
            target.set(f.getKey(), existing == null ? f.getValue() : merge(existing, f.getValue()));
        }
        return target;
    }

    static Compose override() {
        return Compose.parse(OVERRIDE, Repo.read(OVERRIDE), Compose.NO_ENV);
    }

    @BeforeAll
    static void loadTheComposeSchema() throws java.io.IOException {
        ComposeSchemaTest.loadSchema();
    }

    @Test
    void theOverrideFollowsTheComposeSpecificationAloneAndMerged() {
        assertEquals(List.of(), ComposeSchemaTest.validate(override().raw()), "docker-compose.gpu.yml as written");
        assertEquals(List.of(), ComposeSchemaTest.validate(override().doc()), "docker-compose.gpu.yml interpolated");
        assertEquals(List.of(), ComposeSchemaTest.validate(merged(Compose.NO_ENV).doc()), "merged with docker-compose.yml");
        assertFalse(override().raw().has("version"), "the Compose Specification ignores `version:`");
    }

    @Test
    void theOverrideChangesOnlyTheFeatureService() {
        assertEquals(List.of(SERVICE), override().serviceNames());
        assertEquals(Compose.load(Compose.NO_ENV).serviceNames(), merged(Compose.NO_ENV).serviceNames(),
                "the override adds no service");
        assertFalse(override().raw().has("volumes"), "the override declares no volumes of its own");
    }

    @Test
    void theFeatureServiceIsBuiltFromTheGpuDockerfile() {
        Compose compose = merged(Compose.NO_ENV);
        assertEquals(GPU_DOCKERFILE.normalize(), Deployment.dockerfile(compose, SERVICE));
        assertTrue(Files.isRegularFile(GPU_DOCKERFILE), GPU_DOCKERFILE + " is missing");
        Path context = Deployment.context(compose, SERVICE);
        assertEquals(Deployment.context(Compose.load(Compose.NO_ENV), SERVICE), context, "the same build context as the CPU image");
        assertFalse(DockerIgnore.of(context).ignores(context.relativize(GPU_DOCKERFILE).toString()),
                ".dockerignore leaves out Dockerfile.gpu");
        // the rest of the service (ports, volumes, health check, platform) is the base file's
        assertEquals(Compose.load(Compose.NO_ENV).ports(SERVICE), compose.ports(SERVICE));
        assertEquals(Compose.load(Compose.NO_ENV).mounts(SERVICE), compose.mounts(SERVICE));
    }

    @Test
    void anNvidiaGpuIsReserved() {
        JsonNode devices = merged(Compose.NO_ENV).service(SERVICE).path("deploy").path("resources").path("reservations")
                .path("devices");
        assertTrue(devices.isArray() && devices.size() == 1, "one device reservation: " + devices);
        JsonNode gpu = devices.get(0);
        assertEquals("nvidia", gpu.path("driver").asText());
        List<String> capabilities = new ArrayList<>();
        gpu.path("capabilities").forEach(c -> capabilities.add(c.asText()));
        assertTrue(capabilities.contains("gpu"), "capabilities " + capabilities);
        assertTrue(gpu.has("count") ^ gpu.has("device_ids"), "count or device_ids (Compose refuses both): " + gpu);
        assertEquals("[\"0\"]", gpu.path("device_ids").toString(), "GPU 0 unless CNP_GPU says otherwise");
        assertEquals("[\"2\"]", merged(Map.of("CNP_GPU", "2")).service(SERVICE).at("/deploy/resources/reservations/devices/0/device_ids")
                .toString());
    }

    /** The container asks for the GPU, so a GPU that does not arrive stops the start instead of a quiet CPU run. */
    @Test
    void theServiceIsToldToUseTheGpu() {
        assertEquals("cuda", merged(Compose.NO_ENV).environment(SERVICE).get("CNP_FEATURES_INFERENCE_DEVICE"));
        assertEquals("auto", merged(Map.of("CNP_FEATURES_INFERENCE_DEVICE", "auto")).environment(SERVICE)
                .get("CNP_FEATURES_INFERENCE_DEVICE"));
        // the base file's variables stay
        Map<String, String> base = Compose.load(Compose.NO_ENV).environment(SERVICE);
        Map<String, String> gpu = merged(Compose.NO_ENV).environment(SERVICE);
        base.forEach((k, v) -> assertEquals(v, gpu.get(k), k));
    }

    @Test
    void theBuildStageBuildsTheServiceWithTheGpuProfile() {
        Dockerfile df = Dockerfile.read(GPU_DOCKERFILE);
        List<DockerfilesTest.Built> built = df.stages().stream().map(DockerfilesTest::builtModule)
                .flatMap(java.util.Optional::stream).toList();
        assertEquals(List.of(SERVICE), built.stream().map(DockerfilesTest.Built::module).toList());
        String run = String.join("\n", df.stages().stream().map(Dockerfile.Stage::runText).toList());
        assertTrue(Pattern.compile("mvnw\\b[^\\n]*\\s-Pgpu\\s").matcher(run).find(), "the build does not use -Pgpu: " + run);
        assertTrue(run.contains("-am") && run.contains("-DskipTests"), run);
        for (Dockerfile.Stage stage : df.stages()) {
            for (Dockerfile.Copy copy : stage.copies()) {
                if (copy.from() == null) {
                    copy.sources().forEach(s -> assertFalse(DockerfilesTest.contextFiles(Repo.root(), s,
                            DockerIgnore.of(Repo.root())).isEmpty(), "line " + copy.instruction().line() + ": " + s));
                    continue;
                }
                Dockerfile.Stage from = df.stage(copy.from()).orElseThrow(() -> new AssertionError("no stage " + copy.from()));
                DockerfilesTest.Built b = DockerfilesTest.builtModule(from).orElseThrow();
                copy.sources().forEach(s -> assertTrue(s.startsWith(b.output()), s + " is not from " + b.output()));
            }
        }
    }

    @Test
    void theRuntimeIsCuda12WithCudnn9AndAJava17Jre() {
        Dockerfile.Stage last = Dockerfile.read(GPU_DOCKERFILE).finalStage();
        assertTrue(last.image().matches("nvidia/cuda:12\\.\\d+\\.\\d+-cudnn-runtime-ubuntu22\\.04"),
                "ONNX Runtime's CUDA build needs CUDA 12 and cuDNN 9 (nvidia/cuda 12.x -cudnn- images), on Ubuntu 22.04 "
                        + "for the OpenCV natives' glibc; the base is " + last.image());
        Deployment.BaseImage base = Deployment.knownBaseImage(last.image()).orElseThrow(() -> new AssertionError(
                last.image() + " is not in Deployment.KNOWN_BASE_IMAGES"));
        assertEquals(Deployment.knownBaseImage("eclipse-temurin:17-jre-jammy").orElseThrow().glibc(), base.glibc(),
                "the same C library as the CPU image, which the natives are checked against");
        Set<String> installed = Deployment.installedTools(last);
        assertTrue(installed.stream().anyMatch(t -> t.matches("openjdk-17-jre(-headless)?")), "no JRE 17 installed: " + installed);
        String tool = merged(Compose.NO_ENV).healthCheckTool(SERVICE).orElseThrow();
        Set<String> tools = new TreeSet<>(installed);
        tools.addAll(base.tools());
        assertTrue(tools.contains(tool), "the health check runs " + tool + ", which the GPU image lacks: " + tools);
    }

    /** The GPU image runs the service as the CPU image does: same user rules, port, command, variables and volume. */
    @Test
    void theRuntimeStartsTheServiceLikeTheCpuImage() {
        Dockerfile.Stage gpu = Dockerfile.read(GPU_DOCKERFILE).finalStage();
        Dockerfile.Stage cpu = Dockerfile.read(Repo.serviceDir(SERVICE).resolve("src/main/docker/Dockerfile")).finalStage();
        String user = gpu.user().orElseThrow(() -> new AssertionError("no USER: the image would run as root"));
        assertFalse(List.of("root", "0").contains(user.split(":")[0]), "runs as root");
        assertEquals(List.of(Repo.httpPort(SERVICE)), gpu.exposed());
        assertTrue(gpu.command().contains("$JAVA_OPTS") && gpu.command().contains("-jar /deployments/quarkus-run.jar"),
                gpu.command());
        for (String dir : List.of("lib", "app", "quarkus")) {
            assertTrue(gpu.copies().stream().anyMatch(c -> c.destination().equals("/deployments/" + dir + "/")), dir);
        }
        Map<String, String> cpuEnv = cpu.env();
        Map<String, String> gpuEnv = gpu.env();
        cpuEnv.forEach((k, v) -> {
            if (k.equals("JAVA_OPTS")) {
                for (String option : v.split("\\s+")) {
                    assertTrue(List.of(gpuEnv.get(k).split("\\s+")).contains(option), "GPU JAVA_OPTS lack " + option);
                }
            } else {
                assertEquals(v, gpuEnv.get(k), k);
            }
        });
        String run = gpu.runText();
        for (Compose.Mount mount : merged(Compose.NO_ENV).mounts(SERVICE)) {
            if (!mount.readOnly() && mount.type().equals("volume")) {
                assertTrue(Pattern.compile("mkdir\\s+(-p\\s+)?[^&;]*(?<=\\s)" + Pattern.quote(mount.target()) + "(\\s|$)")
                        .matcher(run).find(), "no mount point " + mount.target());
                assertTrue(Pattern.compile("chown\\s+(-R\\s+)?" + Pattern.quote(user.split(":")[0]) + "(:\\S+)?\\s[^&;]*/data(\\s|$)")
                        .matcher(run).find(), mount.target() + " is not given to " + user);
            }
        }
    }

    /** JVM crash reports go to the data volume's logs/, which the image creates, in both images. */
    @Test
    void crashReportsGoToTheDataVolume() {
        for (Path file : List.of(GPU_DOCKERFILE, Repo.serviceDir(SERVICE).resolve("src/main/docker/Dockerfile"))) {
            Dockerfile.Stage last = Dockerfile.read(file).finalStage();
            String opts = last.env().getOrDefault("JAVA_OPTS", "");
            var m = Pattern.compile("-XX:ErrorFile=(\\S+)/hs_err_pid%p\\.log").matcher(opts);
            assertTrue(m.find(), file + ": JAVA_OPTS set no -XX:ErrorFile: " + opts);
            String dir = m.group(1);
            assertTrue(dir.startsWith("/data/features/"), file + ": crash reports go to " + dir + ", outside the data volume");
            assertTrue(Pattern.compile("mkdir\\s+(-p\\s+)?[^&;]*(?<=\\s)" + Pattern.quote(dir) + "(\\s|$)")
                    .matcher(last.runText()).find(), file + ": the image does not create " + dir);
        }
    }

    /** -Pgpu swaps ONNX Runtime's CPU package for its CUDA build of the same version, in the feature-service alone. */
    @Test
    void theGpuProfileSwapsTheOnnxRuntimeArtifact() {
        String pom = Repo.read(Repo.serviceDir(SERVICE).resolve("pom.xml")).replaceAll("(?s)<!--.*?-->", "");
        assertTrue(pom.contains("<onnxruntime.artifact>onnxruntime</onnxruntime.artifact>"), "default: the CPU package");
        assertTrue(Pattern.compile("(?s)<profile>\\s*<id>gpu</id>.*?<onnxruntime.artifact>onnxruntime_gpu</onnxruntime.artifact>"
                + ".*?</profile>").matcher(pom).find(), "no gpu profile choosing onnxruntime_gpu");
        assertTrue(Pattern.compile("(?s)<groupId>com.microsoft.onnxruntime</groupId>\\s*<artifactId>\\$\\{onnxruntime.artifact}"
                + "</artifactId>\\s*<version>\\$\\{onnxruntime.version}</version>").matcher(pom).find(),
                "the dependency does not use ${onnxruntime.artifact} at ${onnxruntime.version}");
        assertFalse(pom.contains("<artifactId>onnxruntime</artifactId>"), "a fixed CPU dependency would ride along in -Pgpu");
    }
}
