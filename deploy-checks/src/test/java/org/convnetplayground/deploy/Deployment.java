package org.convnetplayground.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the compose services, their Dockerfiles, the runtime base images and the services' settings fit together. */
final class Deployment {

    /** The compose service of the web UI. */
    static final String FRONTEND = "frontend";

    private static final Pattern CNP_VARIABLE = Pattern.compile("\\$\\{(CNP_[A-Z0-9_]+)(?::([^}]*))?}");

    private Deployment() {
    }

    /** The build context of a compose service, resolved against the compose file's folder. */
    static Path context(Compose compose, String service) {
        JsonNode build = compose.service(service).path("build");
        String context = build.isTextual() ? build.asText() : build.path("context").asText(".");
        return compose.dir().resolve(context).normalize();
    }

    /** The Dockerfile of a compose service (Compose resolves `dockerfile` against the context). */
    static Path dockerfile(Compose compose, String service) {
        JsonNode build = compose.service(service).path("build");
        String dockerfile = build.isObject() ? build.path("dockerfile").asText("Dockerfile") : "Dockerfile";
        return context(compose, service).resolve(dockerfile).normalize();
    }

    static boolean isBuilt(Compose compose, String service) {
        return !compose.service(service).path("build").isMissingNode();
    }

    /** A runtime base image whose contents the checks rely on, and where that knowledge comes from. */
    record BaseImage(Pattern reference, Set<String> tools, Optional<String> glibc, Optional<String> glibcxx, String source) {
    }

    /**
     * Base images known well enough to check against. Add one here only after looking at how it is built; an
     * image that is not listed fails the checks that need to know what is inside it.
     */
    static final List<BaseImage> KNOWN_BASE_IMAGES = List.of(
            new BaseImage(Pattern.compile("eclipse-temurin:17(\\.[0-9.+_]+)?-jre-jammy"), Set.of("curl", "wget", "sh"),
                    Optional.of("2.35"), Optional.of("3.4.30"),
                    "adoptium/containers 17/jre/ubuntu/jammy/Dockerfile installs curl and wget on ubuntu:22.04, whose glibc is "
                            + "2.35 and whose libstdc++6 (GCC 12) provides GLIBCXX_3.4.30"),
            new BaseImage(Pattern.compile("nvidia/cuda:12\\.[0-9]+\\.[0-9]+-cudnn-runtime-ubuntu22\\.04"), Set.of("sh"),
                    Optional.of("2.35"), Optional.of("3.4.30"),
                    "NVIDIA's CUDA images (gitlab.com/nvidia/container-images/cuda) build -runtime-ubuntu22.04 on ubuntu:22.04 "
                            + "(glibc 2.35, libstdc++6 with GLIBCXX_3.4.30) and add the CUDA runtime libraries and, for -cudnn-, "
                            + "cuDNN 9; no curl, wget or Java"),
            new BaseImage(Pattern.compile("nginxinc/nginx-unprivileged:[0-9.]+-alpine[0-9.]*"), Set.of("wget", "sh"),
                    Optional.empty(), Optional.empty(),
                    "Alpine: BusyBox provides wget and sh; musl, no glibc"));

    /**
     * Images compose runs as they are (no Dockerfile here): the `cluster` profile's ZooKeeper and Solr. The same rule
     * as for base images: listed only after looking at how the image is built.
     */
    static final List<BaseImage> KNOWN_SERVICE_IMAGES = List.of(
            new BaseImage(Pattern.compile("solr:9\\.10(\\.[0-9]+)?"), Set.of("wget", "sh"), Optional.empty(),
                    Optional.empty(), "apache/solr solr/docker/templates/Dockerfile.body.template installs wget (acl "
                            + "lsof procps wget netcat tini jattach) on eclipse-temurin:17-jre-jammy"),
            new BaseImage(Pattern.compile("zookeeper:3\\.9(\\.[0-9]+)?"), Set.of("wget", "sh"), Optional.empty(),
                    Optional.empty(), "docker-library zookeeper 3.9.4/Dockerfile installs wget (ca-certificates dirmngr "
                            + "gosu gnupg netcat wget) on eclipse-temurin:17-jre-jammy; its AdminServer listens on 8080"));

    static Optional<BaseImage> knownServiceImage(String reference) {
        return KNOWN_SERVICE_IMAGES.stream().filter(b -> b.reference().matcher(reference).matches()).findFirst();
    }

    static Optional<BaseImage> knownBaseImage(String reference) {
        return KNOWN_BASE_IMAGES.stream().filter(b -> b.reference().matcher(reference).matches()).findFirst();
    }

    /** Programs a Dockerfile's final stage installs with apt-get, apk or microdnf. */
    static Set<String> installedTools(Dockerfile.Stage stage) {
        Set<String> tools = new java.util.HashSet<>();
        Matcher m = Pattern.compile("(?:apt-get|apt|apk|microdnf|dnf|yum)\\s+(?:install|add)\\s+([^&;|]*)").matcher(stage.runText());
        while (m.find()) {
            for (String w : m.group(1).trim().split("\\s+")) {
                if (!w.startsWith("-")) {
                    tools.add(w.replaceAll("[=<>].*", ""));
                }
            }
        }
        return tools;
    }

    /** A CNP_* variable read in application.properties: the property, the default, and the rest of the value. */
    record Variable(String name, String property, String defaultValue, String prefix, String suffix) {

        /** The property's value when the variable is set to {@code value}. */
        String resolve(String value) {
            return prefix + value + suffix;
        }
    }

    /** The CNP_* variables a service reads in production (profile-specific keys such as %test. are skipped). */
    static List<Variable> variables(String service) {
        List<Variable> out = new ArrayList<>();
        Map<Object, Object> props = new LinkedHashMap<>(Repo.applicationProperties(service));
        for (Map.Entry<Object, Object> e : props.entrySet()) {
            String key = e.getKey().toString();
            if (key.startsWith("%")) {
                continue;
            }
            String value = e.getValue().toString();
            Matcher m = CNP_VARIABLE.matcher(value);
            while (m.find()) {
                out.add(new Variable(m.group(1), key, m.group(2) == null ? "" : m.group(2), value.substring(0, m.start()),
                        value.substring(m.end())));
            }
        }
        return out;
    }

    /** A size such as "30M", "10240K" or "30m" in bytes (nginx and Quarkus units alike). */
    static long bytes(String size) {
        String s = size.trim().toUpperCase(java.util.Locale.ROOT);
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'K' -> 1024L;
            case 'M' -> 1024L * 1024;
            case 'G' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(digits) * unit;
    }

    /** The image's environment: the final stage's ENV, overridden by the compose file's environment. */
    static Map<String, String> containerEnvironment(Compose compose, String service) {
        Map<String, String> env = new LinkedHashMap<>(Dockerfile.read(dockerfile(compose, service)).finalStage().env());
        env.putAll(compose.environment(service));
        return env;
    }
}
