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
 * clients) stays in {@code rest/}; only {@code onnx/} imports ONNX Runtime and only {@code image/} imports OpenCV.
 */
class LayeringTest {

    private static final Path MAIN = Path.of("src/main/java/org/convnetplayground/features");

    /** What only rest/ may use: the http-problem library (problem documents, statuses), JAX-RS, the JDK's HTTP client, Vert.x HTTP. */
    private static final Pattern HTTP = Pattern.compile(
            "import\\s+(org\\.convnetplayground\\.problem\\."
                    + "|jakarta\\.ws\\.rs\\.|java\\.net\\.http\\.|io\\.vertx\\.core\\.http\\.|org\\.eclipse\\.microprofile\\.rest\\.client)"
                    + "|\\bstatusCode\\(|\\bProblemException\\b");

    @Test
    void httpStaysInTheRestPackage() {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
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
        assertEquals(List.of(), importersOutside("ai.onnxruntime", "onnx"));
    }

    @Test
    void onlyTheImagePackageImportsOpenCv() {
        assertEquals(List.of(), importersOutside("org.bytedeco", "image"));
    }

    @Test
    void theRulesSeeTheSources() {
        // guards against a wrong working directory making every rule pass vacuously
        assertTrue(sources().size() > 30, "found only " + sources().size() + " sources under " + MAIN.toAbsolutePath());
        assertTrue(sources().stream().anyMatch(f -> HTTP.matcher(code(f)).find()), "no HTTP use found even in rest/");
    }

    private static List<String> importersOutside(String prefix, String allowedPackage) {
        List<String> out = new ArrayList<>();
        for (Path file : sources()) {
            if (!file.startsWith(MAIN.resolve(allowedPackage)) && code(file).contains("import " + prefix)) {
                out.add(MAIN.relativize(file).toString());
            }
        }
        return out;
    }

    private static List<Path> sources() {
        try (Stream<Path> walk = Files.walk(MAIN)) {
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
