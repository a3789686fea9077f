package org.convnetplayground.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each image's Dockerfile against its build context, its service and the compose file. */
class DockerfilesTest {

    private static final Compose COMPOSE = Compose.load(Compose.NO_ENV);

    static Stream<String> builtServices() {
        return COMPOSE.serviceNames().stream().filter(s -> Deployment.isBuilt(COMPOSE, s));
    }

    static Stream<String> javaServices() {
        return Repo.serviceNames().stream();
    }

    @Test
    void everyServiceModuleAndTheFrontendAreInTheComposeFile() {
        List<String> expected = new ArrayList<>(Repo.serviceNames());
        expected.add(Deployment.FRONTEND);
        for (String s : expected) {
            assertTrue(COMPOSE.serviceNames().contains(s), "docker-compose.yml has no service '" + s + "'");
            assertTrue(Deployment.isBuilt(COMPOSE, s), s + " has no `build:` in docker-compose.yml");
        }
    }

    @ParameterizedTest
    @MethodSource("javaServices")
    void eachServiceIsBuiltFromItsOwnDockerfile(String service) {
        Path expected = Repo.serviceDir(service).resolve("src/main/docker/Dockerfile").normalize();
        assertEquals(expected, Deployment.dockerfile(COMPOSE, service), service + " is built from another Dockerfile");
    }

    @ParameterizedTest
    @MethodSource("builtServices")
    void buildContextAndDockerfileExist(String service) {
        Path context = Deployment.context(COMPOSE, service);
        assertTrue(Files.isDirectory(context), service + ": build context " + context + " does not exist");
        Path dockerfile = Deployment.dockerfile(COMPOSE, service);
        assertTrue(Files.isRegularFile(dockerfile), service + ": Dockerfile " + dockerfile + " does not exist");
        assertFalse(DockerIgnore.of(context).ignores(context.relativize(dockerfile).toString()),
                service + ": .dockerignore leaves out the Dockerfile itself");
    }

    /** COPY from the build context: every source exists there and .dockerignore does not leave it out. */
    @ParameterizedTest
    @MethodSource("builtServices")
    void copySourcesExistInTheBuildContext(String service) {
        Path context = Deployment.context(COMPOSE, service);
        DockerIgnore ignore = DockerIgnore.of(context);
        Dockerfile df = Dockerfile.read(Deployment.dockerfile(COMPOSE, service));
        for (Dockerfile.Stage stage : df.stages()) {
            for (Dockerfile.Copy copy : stage.copies()) {
                if (copy.from() != null) {
                    continue;
                }
                for (String source : copy.sources()) {
                    List<String> found = contextFiles(context, source, ignore);
                    assertFalse(found.isEmpty(), service + ": line " + copy.instruction().line() + " copies '" + source
                            + "', which is not in the build context " + context
                            + Optional.ofNullable(ignore.ruleFor(source)).map(r -> " (.dockerignore: " + r + ")").orElse(""));
                }
            }
        }
    }

    /**
     * COPY --from a build stage: the stage exists, and the artifact comes from the module that stage builds
     * (a Maven `-pl` module, or the folder npm builds in), which exists in the context.
     */
    @ParameterizedTest
    @MethodSource("builtServices")
    void stageArtifactsComeFromTheModuleTheStageBuilds(String service) {
        Path context = Deployment.context(COMPOSE, service);
        Dockerfile df = Dockerfile.read(Deployment.dockerfile(COMPOSE, service));
        for (Dockerfile.Stage stage : df.stages()) {
            for (Dockerfile.Copy copy : stage.copies()) {
                if (copy.from() == null) {
                    continue;
                }
                Dockerfile.Stage from = df.stage(copy.from()).orElseThrow(() -> new AssertionError(service + ": line "
                        + copy.instruction().line() + " copies from stage '" + copy.from() + "', which the Dockerfile does not define"));
                Built built = builtModule(from).orElseThrow(() -> new AssertionError(service + ": stage '" + copy.from()
                        + "' neither runs `mvnw -pl <module>` nor `npm run build`"));
                assertTrue(Files.isDirectory(context.resolve(built.module())), service + ": stage '" + copy.from() + "' builds "
                        + built.module() + ", which is not in the build context");
                for (String source : copy.sources()) {
                    assertTrue(source.startsWith(built.output()), service + ": line " + copy.instruction().line() + " copies '"
                            + source + "' but stage '" + copy.from() + "' builds " + built.module() + " into " + built.output());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("javaServices")
    void theServiceImageBuildsThatService(String service) {
        Dockerfile df = Dockerfile.read(Deployment.dockerfile(COMPOSE, service));
        List<String> built = df.stages().stream().map(DockerfilesTest::builtModule).flatMap(Optional::stream).map(Built::module).toList();
        assertEquals(List.of(service), built, service + ": the Dockerfile builds another module");
        String run = String.join("\n", df.stages().stream().map(Dockerfile.Stage::runText).toList());
        assertTrue(run.contains("-am"), service + ": the build must include the modules the service needs (-am)");
        assertTrue(run.contains("-DskipTests") || run.contains("-Dmaven.test.skip"), service + ": the image build should not run the tests");
    }

    /**
     * Maven reads every module's POM even when building one with -pl, so a build stage that copies the whole
     * context needs every reactor module's pom.xml to survive .dockerignore.
     */
    @ParameterizedTest
    @MethodSource("javaServices")
    void everyReactorPomIsInTheBuildContext(String service) {
        Path context = Deployment.context(COMPOSE, service);
        DockerIgnore ignore = DockerIgnore.of(context);
        for (String file : requiredForMaven()) {
            assertTrue(Files.exists(context.resolve(file)), service + ": " + file + " is not in the build context");
            assertFalse(ignore.ignores(file), service + ": .dockerignore leaves out " + file + " (" + ignore.ruleFor(file) + ")");
        }
        for (String lib : List.of(service + "/src/main", "libs")) {
            assertFalse(ignore.ignores(lib), service + ": .dockerignore leaves out " + lib);
        }
    }

    static List<String> requiredForMaven() {
        List<String> files = new ArrayList<>(List.of("pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.properties"));
        Repo.reactorModules().forEach(m -> files.add(m + "/pom.xml"));
        return files;
    }

    @ParameterizedTest
    @MethodSource("builtServices")
    void theImageRunsAsANonRootUser(String service) {
        Dockerfile.Stage last = Dockerfile.read(Deployment.dockerfile(COMPOSE, service)).finalStage();
        String user = last.user().orElseThrow(() -> new AssertionError(service + ": the final stage sets no USER (it would run as root)"));
        String name = user.split(":")[0].trim();
        assertFalse(name.isEmpty() || name.equals("root") || name.equals("0"), service + ": the image runs as root (USER " + user + ")");
        assertTrue(COMPOSE.service(service).path("user").isMissingNode()
                        || !List.of("root", "0").contains(COMPOSE.service(service).path("user").asText().split(":")[0]),
                service + ": docker-compose.yml overrides the user with root");
    }

    @ParameterizedTest
    @MethodSource("javaServices")
    void theServiceImageExposesTheServicePort(String service) {
        Dockerfile.Stage last = Dockerfile.read(Deployment.dockerfile(COMPOSE, service)).finalStage();
        assertEquals(List.of(Repo.httpPort(service)), last.exposed(),
                service + ": EXPOSE differs from quarkus.http.port in application.properties");
    }

    @Test
    void theFrontendImageExposesThePortNginxListensOn() {
        Dockerfile.Stage last = Dockerfile.read(Deployment.dockerfile(COMPOSE, Deployment.FRONTEND)).finalStage();
        assertEquals(List.of(NginxConfTest.listenPort()), last.exposed(), "frontend: EXPOSE differs from nginx.conf's listen");
    }

    /** Build stages use a JDK at least as new as the compiler release; runtimes a JRE of that release. */
    @ParameterizedTest
    @MethodSource("javaServices")
    void javaVersionsMatchTheBuild(String service) {
        int release = Integer.parseInt(Repo.read(Repo.root().resolve("pom.xml"))
                .replaceAll("(?s).*<maven.compiler.release>\\s*(\\d+)\\s*</maven.compiler.release>.*", "$1"));
        for (Dockerfile.Stage stage : Dockerfile.read(Deployment.dockerfile(COMPOSE, service)).stages()) {
            Matcher m = Pattern.compile("(?:temurin|openjdk|jdk|jre)[-:]?(\\d+)").matcher(stage.image());
            assertTrue(m.find(), service + ": cannot tell the Java version of " + stage.image());
            assertTrue(Integer.parseInt(m.group(1)) >= release, service + ": " + stage.image() + " is older than Java " + release);
        }
    }

    @ParameterizedTest
    @MethodSource("builtServices")
    void baseImagesArePinnedToAVersion(String service) {
        for (Dockerfile.Stage stage : Dockerfile.read(Deployment.dockerfile(COMPOSE, service)).stages()) {
            String image = stage.image();
            String tag = image.contains("@") ? "digest" : image.substring(image.lastIndexOf('/') + 1).contains(":")
                    ? image.substring(image.lastIndexOf(':') + 1) : "";
            assertFalse(tag.isEmpty() || tag.equals("latest"), service + ": FROM " + image + " is not pinned to a version");
        }
    }

    /**
     * The command starts the fast-jar with $JAVA_OPTS, and the JVM options the service's tests run with
     * (surefire's --add-modules) are there too.
     */
    @ParameterizedTest
    @MethodSource("javaServices")
    void theServiceStartsLikeItsTestsDo(String service) {
        Dockerfile.Stage last = Dockerfile.read(Deployment.dockerfile(COMPOSE, service)).finalStage();
        String command = last.command();
        assertTrue(command.contains("-jar /deployments/quarkus-run.jar"), service + ": the command does not run /deployments/quarkus-run.jar: " + command);
        assertTrue(last.copies().stream().anyMatch(c -> c.destination().equals("/deployments/")
                && c.sources().stream().anyMatch(s -> s.endsWith("/quarkus-app/*.jar"))), service + ": quarkus-run.jar is not copied to /deployments/");
        for (String dir : List.of("lib", "app", "quarkus")) {
            assertTrue(last.copies().stream().anyMatch(c -> c.destination().equals("/deployments/" + dir + "/")),
                    service + ": quarkus-app/" + dir + "/ is not copied to /deployments/" + dir + "/");
        }
        assertTrue(command.contains("$JAVA_OPTS") && last.env().containsKey("JAVA_OPTS"), service + ": JAVA_OPTS is not applied");
        Matcher m = Pattern.compile("--add-modules[= ]\\s*([\\w.,]+)").matcher(Repo.read(Repo.serviceDir(service).resolve("pom.xml")));
        while (m.find()) {
            assertTrue(command.contains("--add-modules " + m.group(1)) || command.contains("--add-modules=" + m.group(1)),
                    service + ": its tests run with --add-modules " + m.group(1) + " but the image does not: " + command);
        }
    }

    /**
     * A named volume starts as a copy of the image's directory, owner included: each writable mount point must
     * exist in the image and belong to the image's user, or the service cannot write there.
     */
    @ParameterizedTest
    @MethodSource("javaServices")
    void writableMountPointsBelongToTheImageUser(String service) {
        Dockerfile.Stage last = Dockerfile.read(Deployment.dockerfile(COMPOSE, service)).finalStage();
        String user = last.user().orElseThrow().split(":")[0];
        String run = last.runText();
        for (Compose.Mount mount : COMPOSE.mounts(service)) {
            if (mount.readOnly() || !mount.type().equals("volume")) {
                continue;
            }
            String target = mount.target();
            assertTrue(Pattern.compile("mkdir\\s+(-p\\s+)?[^&;]*(?<=\\s)" + Pattern.quote(target) + "(\\s|$)").matcher(run).find(),
                    service + ": the image does not create the mount point " + target);
            boolean owned = false;
            for (String dir = target; !dir.isEmpty(); dir = dir.substring(0, Math.max(0, dir.lastIndexOf('/')))) {
                if (Pattern.compile("chown\\s+(-R\\s+)?" + Pattern.quote(user) + "(:\\S+)?\\s[^&;]*(?<=\\s)" + Pattern.quote(dir) + "(\\s|$)")
                        .matcher(run).find()) {
                    owned = true;
                    break;
                }
            }
            assertTrue(owned, service + ": the image does not give " + target + " (or a parent) to its user " + user);
        }
    }

    // ---- helpers ----

    /** What a build stage builds: a module of the context, and where its output lands in the stage. */
    record Built(String module, String output) {
    }

    /** Maven's `-pl` module (output in its target/), or the WORKDIR where `npm run build` runs (output under it). */
    static Optional<Built> builtModule(Dockerfile.Stage stage) {
        String run = stage.runText();
        String workdir = stripSlash(stage.workdir());
        Matcher maven = Pattern.compile("mvnw?\\b[^\\n]*?\\s-pl\\s+(\\S+)").matcher(run);
        if (maven.find()) {
            String module = stripSlash(maven.group(1));
            return Optional.of(new Built(module, workdir + "/" + module + "/target/"));
        }
        if (run.contains("npm run build")) {
            return Optional.of(new Built(workdir.substring(workdir.lastIndexOf('/') + 1), workdir + "/"));
        }
        return Optional.empty();
    }

    private static String stripSlash(String s) {
        String out = s.trim();
        while (out.endsWith("/") && out.length() > 1) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    /** Context files a COPY source names (it may hold wildcards), less what .dockerignore leaves out. */
    static List<String> contextFiles(Path context, String source, DockerIgnore ignore) {
        String s = source.startsWith("/") ? source.substring(1) : source;
        s = stripSlash(s);
        if (s.equals(".") || s.isEmpty()) {
            return List.of(".");
        }
        if (!s.matches(".*[*?\\[].*")) {
            Path p = context.resolve(s);
            return Files.exists(p) && !ignore.ignores(s) ? List.of(s) : List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + s);
        try (Stream<Path> files = Files.walk(context)) {
            return files.map(context::relativize)
                    .filter(matcher::matches)
                    .map(p -> p.toString().replace('\\', '/'))
                    .filter(p -> !ignore.ignores(p))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
