package org.convnetplayground.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Where the repository is, and what its modules declare. */
final class Repo {

    private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

    private Repo() {
    }

    /** The repository root: the build passes it as {@code cnp.repo.dir}; otherwise the first parent with mvnw. */
    static Path root() {
        String configured = System.getProperty("cnp.repo.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root; set -Dcnp.repo.dir");
    }

    static Path composeFile() {
        return root().resolve("docker-compose.yml");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Quarkus services: every top-level {@code <name>-service} with an application.properties, by name. */
    static List<String> serviceNames() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(d -> d.getFileName().toString().endsWith("-service"))
                    .filter(d -> Files.isRegularFile(d.resolve("src/main/resources/application.properties")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path serviceDir(String service) {
        return root().resolve(service);
    }

    /** The service's application.properties as written (profile keys such as %test. included). */
    static Properties applicationProperties(String service) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(serviceDir(service).resolve("src/main/resources/application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The port the service listens on in production: {@code quarkus.http.port}. */
    static int httpPort(String service) {
        String port = applicationProperties(service).getProperty("quarkus.http.port");
        if (port == null) {
            throw new AssertionError(service + ": application.properties sets no quarkus.http.port");
        }
        return Integer.parseInt(port.trim());
    }

    /** Every module directory of the reactor (recursively), relative to the root, e.g. "libs/jobs". */
    static List<String> reactorModules() {
        List<String> out = new ArrayList<>();
        collectModules(root(), "", out);
        return out;
    }

    private static void collectModules(Path root, String prefix, List<String> out) {
        Path pom = root.resolve(prefix).resolve("pom.xml");
        // Comments may hold example <module> lines: drop them first.
        String xml = read(pom).replaceAll("(?s)<!--.*?-->", "");
        Matcher m = MODULE.matcher(xml);
        while (m.find()) {
            String module = Path.of(prefix).resolve(m.group(1)).normalize().toString().replace('\\', '/');
            out.add(module);
            collectModules(root, module, out);
        }
    }
}
