package org.convnetplayground.features.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of CONVENTIONS.md, read from the sources: HTTP (problem documents, status codes, JAX-RS, HTTP
 * clients) stays in {@code rest/}; only {@code onnx/} imports ONNX Runtime and only {@code image/} imports OpenCV, in
 * this service and in libs/image-inference, which holds its decoding, preprocessing, inference and pooling. That
 * library stays plain Java (no CDI, Quarkus, MicroProfile or HTTP), so the Spark extraction job runs it as it is.
 */
class LayeringTest {

    private static final Path MAIN = Path.of("src/main/java/org/convnetplayground/features");
    private static final Path LIBRARY = Path.of("../libs/image-inference/src/main/java/org/convnetplayground/inference");
    /** What the shared library must not use: a container, a service framework, HTTP. */
    private static final Pattern FRAMEWORK = Pattern.compile(
            "import\\s+(jakarta\\.|javax\\.(inject|enterprise|ws)\\.|io\\.quarkus\\.|io\\.smallrye\\.|io\\.vertx\\."
                    + "|org\\.eclipse\\.microprofile\\.|org\\.convnetplayground\\.problem\\.|java\\.net\\.http\\.)");

    /** What only rest/ may use: the http-problem library (problem documents, statuses), JAX-RS, the JDK's HTTP client, Vert.x HTTP. */
    private static final Pattern HTTP = Pattern.compile(
            "import\\s+(org\\.convnetplayground\\.problem\\."
                    + "|jakarta\\.ws\\.rs\\.|java\\.net\\.http\\.|io\\.vertx\\.core\\.http\\.|org\\.eclipse\\.microprofile\\.rest\\.client)"
                    + "|\\bstatusCode\\(|\\bProblemException\\b");

    @Test
    void httpStaysInTheRestPackage() {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources(MAIN)) {
            if (file.startsWith(MAIN.resolve("rest"))) {
                continue;
            }
            Matcher m = HTTP.matcher(code(file));
            while (m.find()) {
                offenders.add(MAIN.relativize(file) + ": " + m.group());
            }
        }
        assertEquals(List.of(), offenders, "HTTP outside rest/");
    }

    @Test
    void onlyTheOnnxPackageImportsOnnxRuntime() {
        assertEquals(List.of(), importersOutside(MAIN, "ai.onnxruntime", "onnx"));
        assertEquals(List.of(), importersOutside(LIBRARY, "ai.onnxruntime", "onnx"));
    }

    @Test
    void onlyTheImagePackageImportsOpenCv() {
        assertEquals(List.of(), importersOutside(MAIN, "org.bytedeco", "image"));
        assertEquals(List.of(), importersOutside(LIBRARY, "org.bytedeco", "image"));
    }

    @Test
    void theSharedLibraryIsPlainJava() {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources(LIBRARY)) {
            Matcher m = FRAMEWORK.matcher(code(file));
            while (m.find()) {
                offenders.add(LIBRARY.relativize(file) + ": " + m.group());
            }
        }
        assertEquals(List.of(), offenders, "framework or HTTP use in libs/image-inference");
    }

    @Test
    void theRulesSeeTheSources() {
        // guards against a wrong working directory making every rule pass vacuously
        assertTrue(sources(MAIN).size() > 30, "found only " + sources(MAIN).size() + " sources under "
                + MAIN.toAbsolutePath());
        assertTrue(sources(MAIN).stream().anyMatch(f -> HTTP.matcher(code(f)).find()), "no HTTP use found even in rest/");
        assertTrue(sources(LIBRARY).size() > 10, "found only " + sources(LIBRARY).size() + " sources under "
                + LIBRARY.toAbsolutePath());
        assertTrue(sources(LIBRARY).stream().anyMatch(f -> code(f).contains("import ai.onnxruntime")),
                "no ONNX Runtime use found even in the library's onnx/");
        assertTrue(sources(LIBRARY).stream().anyMatch(f -> code(f).contains("import org.bytedeco")),
                "no OpenCV use found even in the library's image/");
    }

    private static List<String> importersOutside(Path root, String prefix, String allowedPackage) {
        List<String> out = new ArrayList<>();
        for (Path file : sources(root)) {
            if (!file.startsWith(root.resolve(allowedPackage)) && code(file).contains("import " + prefix)) {
                out.add(root.relativize(file).toString());
            }
        }
        return out;
    }

    private static List<Path> sources(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file without comments, so that prose about statuses does not count. */
    private static String code(Path file) {
        try {
            return Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
