package org.convnetplayground.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native libraries a service carries in its jars (ONNX Runtime, OpenCV through JavaCPP) against the C
 * library of its runtime image: each records the newest GLIBC_x / GLIBCXX_x symbol version it needs, and the
 * image must provide it. Reads the packaged service (target/quarkus-app), so it is skipped before `package`.
 */
class NativeLibrariesTest {

    private static final Pattern VERSION = Pattern.compile("(GLIBCXX|GLIBC)_(\\d+(?:\\.\\d+)+)");

    static Stream<String> javaServices() {
        return Repo.serviceNames().stream();
    }

    @ParameterizedTest
    @MethodSource("javaServices")
    void theRuntimeImageHasTheCLibraryTheNativesNeed(String service) throws IOException {
        Path lib = Repo.serviceDir(service).resolve("target/quarkus-app/lib");
        assumeTrue(Files.isDirectory(lib), service + " is not packaged (target/quarkus-app): native library check skipped");

        Map<String, String> needed = new TreeMap<>(); // GLIBC / GLIBCXX -> newest version, with the library in brackets
        Map<String, String> neededBy = new TreeMap<>();
        try (Stream<Path> jars = Files.walk(lib)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                scan(jar, needed, neededBy);
            }
        }
        if (needed.isEmpty()) {
            return; // nothing native for glibc
        }
        Compose compose = Compose.load(Compose.NO_ENV);
        String image = Dockerfile.read(Deployment.dockerfile(compose, service)).finalStage().image();
        Deployment.BaseImage base = Deployment.knownBaseImage(image).orElseThrow(() -> new AssertionError(service
                + " carries glibc natives needing " + needed + " but " + image + " is not a known base image"));
        check(service, image, "GLIBC", base.glibc(), needed, neededBy);
        check(service, image, "GLIBCXX", base.glibcxx(), needed, neededBy);
    }

    private static void check(String service, String image, String kind, Optional<String> provided,
                              Map<String, String> needed, Map<String, String> neededBy) {
        String need = needed.get(kind);
        if (need == null) {
            return;
        }
        assertTrue(provided.isPresent(), service + ": natives need " + kind + "_" + need + " (" + neededBy.get(kind) + ") but "
                + image + " has no glibc");
        assertTrue(compare(need, provided.get()) <= 0, service + ": " + neededBy.get(kind) + " needs " + kind + "_" + need
                + " but " + image + " provides " + kind + "_" + provided.get());
    }

    /** Linux shared objects inside a jar: the version strings their dynamic section refers to (entries read in parallel). */
    private static void scan(Path jar, Map<String, String> needed, Map<String, String> neededBy) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<? extends ZipEntry> natives = zip.stream()
                    .filter(e -> !e.isDirectory())
                    .filter(e -> e.getName().contains("linux-x86_64/") || e.getName().contains("linux-x64/"))
                    .filter(e -> e.getName().matches(".*\\.so(\\.\\d+)*$") && !e.getName().contains("/python/"))
                    .toList();
            List<Map.Entry<String, List<String>>> found = natives.parallelStream().map(entry -> {
                try (InputStream in = zip.getInputStream(entry)) {
                    byte[] bytes = in.readAllBytes();
                    boolean elf = bytes.length > 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
                    return Map.entry(entry.getName(), elf ? versionStrings(bytes) : List.<String>of());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            for (Map.Entry<String, List<String>> library : found) {
                for (String version : library.getValue()) {
                    Matcher m = VERSION.matcher(version);
                    if (!m.matches()) {
                        continue;
                    }
                    String kind = m.group(1);
                    if (!needed.containsKey(kind) || compare(m.group(2), needed.get(kind)) > 0) {
                        needed.put(kind, m.group(2));
                        neededBy.put(kind, jar.getFileName() + "!/" + library.getKey());
                    }
                }
            }
        }
    }

    /** NUL-terminated strings starting with "GLIBC" (the version names in the dynamic string table). */
    static List<String> versionStrings(byte[] bytes) {
        List<String> out = new ArrayList<>();
        byte[] marker = "GLIBC".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 1; i + marker.length < bytes.length; i++) {
            if (bytes[i] != 'G' || bytes[i - 1] != 0) {
                continue;
            }
            for (int k = 1; k < marker.length; k++) {
                if (bytes[i + k] != marker[k]) {
                    continue outer;
                }
            }
            int end = i;
            while (end < bytes.length && bytes[end] != 0 && end - i < 40) {
                end++;
            }
            out.add(new String(bytes, i, end - i, StandardCharsets.US_ASCII));
            i = end;
        }
        return out;
    }

    static int compare(String a, String b) {
        List<Integer> x = new ArrayList<>(Arrays.stream(a.split("\\.")).map(Integer::parseInt).toList());
        List<Integer> y = new ArrayList<>(Arrays.stream(b.split("\\.")).map(Integer::parseInt).toList());
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            int c = Integer.compare(i < x.size() ? x.get(i) : 0, i < y.size() ? y.get(i) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
