package org.convnetplayground.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * docker-compose.yml read with Jackson, and what the checks need from it: Compose's variable interpolation
 * (with nested defaults), services, port mappings, mounts, environment and health checks.
 */
final class Compose {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** The environment of a plain `docker compose up`: no CNP_* variable set. */
    static final Map<String, String> NO_ENV = Map.of();

    /** The documented alternative: models and datasets in the named volumes. */
    static final Map<String, String> VOLUME_ENV = Map.of("CNP_MODELS_SOURCE", "models", "CNP_DATASETS_SOURCE", "datasets");

    private final Path file;
    private final JsonNode raw;
    private final JsonNode doc;

    private Compose(Path file, JsonNode raw, JsonNode doc) {
        this.file = file;
        this.raw = raw;
        this.doc = doc;
    }

    /** The repository's docker-compose.yml, interpolated with {@code env}. */
    static Compose load(Map<String, String> env) {
        return parse(Repo.composeFile(), Repo.read(Repo.composeFile()), env);
    }

    static Compose parse(Path file, String yaml, Map<String, String> env) {
        try {
            JsonNode raw = YAML.readTree(yaml);
            if (raw == null || !raw.isObject()) {
                throw new AssertionError(file + " is not a YAML mapping");
            }
            return new Compose(file, raw, interpolate(raw, env));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file() {
        return file;
    }

    Path dir() {
        return file.toAbsolutePath().getParent();
    }

    /** As written, before interpolation. */
    JsonNode raw() {
        return raw;
    }

    /** After interpolation. */
    JsonNode doc() {
        return doc;
    }

    List<String> serviceNames() {
        List<String> names = new ArrayList<>();
        doc.path("services").fieldNames().forEachRemaining(names::add);
        return names;
    }

    JsonNode service(String name) {
        JsonNode s = doc.path("services").path(name);
        if (s.isMissingNode()) {
            throw new AssertionError("docker-compose.yml has no service '" + name + "'; it has " + serviceNames());
        }
        return s;
    }

    /** The container environment a service gets from the compose file (map or KEY=VALUE list form). */
    Map<String, String> environment(String name) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service(name).path("environment");
        if (e.isObject()) {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText()));
        } else if (e.isArray()) {
            for (JsonNode item : e) {
                String s = item.asText();
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return env;
    }

    /** A published port: host side (may be empty) and container side. */
    record Port(String hostIp, String published, int target) {
    }

    List<Port> ports(String name) {
        List<Port> out = new ArrayList<>();
        for (JsonNode p : service(name).path("ports")) {
            if (p.isObject()) {
                out.add(new Port(p.path("host_ip").asText(""), p.path("published").asText(""), p.path("target").asInt()));
                continue;
            }
            String s = p.asText();
            String proto = s.contains("/") ? s.substring(s.indexOf('/')) : "";
            s = s.substring(0, s.length() - proto.length());
            String[] parts = s.split(":");
            int target = Integer.parseInt(parts[parts.length - 1]);
            String published = parts.length >= 2 ? parts[parts.length - 2] : "";
            String hostIp = parts.length >= 3 ? String.join(":", java.util.Arrays.copyOf(parts, parts.length - 2)) : "";
            out.add(new Port(hostIp, published, target));
        }
        return out;
    }

    /** A mount: "volume" (named), "bind" (host path) or another type, the source, the target and read-only. */
    record Mount(String type, String source, String target, boolean readOnly) {
    }

    List<Mount> mounts(String name) {
        List<Mount> out = new ArrayList<>();
        for (JsonNode v : service(name).path("volumes")) {
            if (v.isObject()) {
                out.add(new Mount(v.path("type").asText(), v.path("source").asText(""), v.path("target").asText(),
                        v.path("read_only").asBoolean(false)));
                continue;
            }
            String[] parts = v.asText().split(":");
            if (parts.length == 1) {
                out.add(new Mount("volume", "", parts[0], false)); // anonymous volume
                continue;
            }
            String source = parts[0];
            String target = parts[1];
            boolean ro = parts.length > 2 && List.of(parts[2].split(",")).contains("ro");
            out.add(new Mount(isPath(source) ? "bind" : "volume", source, target, ro));
        }
        return out;
    }

    /** Compose's rule for the short syntax: a source that looks like a path is a bind mount, else a volume name. */
    static boolean isPath(String source) {
        return source.startsWith(".") || source.startsWith("/") || source.startsWith("~") || source.matches("^[A-Za-z]:[\\\\/].*");
    }

    /** The URL a health check requests (the first http:// word of its test), if any. */
    Optional<String> healthCheckUrl(String name) {
        JsonNode test = service(name).path("healthcheck").path("test");
        List<String> words = new ArrayList<>();
        if (test.isArray()) {
            test.forEach(w -> words.addAll(List.of(w.asText().split("\\s+"))));
        } else {
            words.addAll(List.of(test.asText().split("\\s+")));
        }
        return words.stream().filter(w -> w.startsWith("http://") || w.startsWith("https://")).findFirst();
    }

    /** The program a health check runs (CMD form: the word after CMD; CMD-SHELL: the first word of the shell line). */
    Optional<String> healthCheckTool(String name) {
        JsonNode test = service(name).path("healthcheck").path("test");
        if (test.isArray() && test.size() > 1) {
            String first = test.get(0).asText();
            if ("CMD".equals(first)) {
                return Optional.of(test.get(1).asText());
            }
            if ("CMD-SHELL".equals(first)) {
                return Optional.of(test.get(1).asText().trim().split("\\s+")[0]);
            }
            return Optional.empty();
        }
        if (test.isTextual()) {
            return Optional.of(test.asText().trim().split("\\s+")[0]);
        }
        return Optional.empty();
    }

    // ---- interpolation (https://docs.docker.com/reference/compose-file/interpolation/) ----

    static JsonNode interpolate(JsonNode node, Map<String, String> env) {
        if (node.isTextual()) {
            return TextNode.valueOf(interpolate(node.asText(), env));
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                out.set(f.getKey(), interpolate(f.getValue(), env)); // keys are not interpolated
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(interpolate(n, env)));
            return out;
        }
        return node;
    }

    /** Interpolates one string: $$, $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+r}, ${VAR+r}, nested. */
    static String interpolate(String s, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 >= s.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = s.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int end = closingBrace(s, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed ${ in '" + s + "'");
                }
                out.append(expression(s.substring(i + 2, end), env, s));
                i = end + 1;
            } else if (Character.isLetter(next) || next == '_') {
                int j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.append(env.getOrDefault(s.substring(i + 1, j), ""));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int closingBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '{') {
                depth++;
            } else if (s.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String expression(String expr, Map<String, String> env, String whole) {
        int j = 0;
        while (j < expr.length() && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '_')) {
            j++;
        }
        String name = expr.substring(0, j);
        if (name.isEmpty() || !(Character.isLetter(name.charAt(0)) || name.charAt(0) == '_')) {
            throw new IllegalArgumentException("invalid variable in '" + whole + "'");
        }
        String rest = expr.substring(j);
        String value = env.get(name);
        boolean set = value != null;
        boolean nonEmpty = set && !value.isEmpty();
        if (rest.isEmpty()) {
            return set ? value : "";
        }
        if (rest.startsWith(":-")) {
            return nonEmpty ? value : interpolate(rest.substring(2), env);
        }
        if (rest.startsWith("-")) {
            return set ? value : interpolate(rest.substring(1), env);
        }
        if (rest.startsWith(":?")) {
            if (!nonEmpty) {
                throw new IllegalArgumentException("required variable " + name + " is missing: " + interpolate(rest.substring(2), env));
            }
            return value;
        }
        if (rest.startsWith("?")) {
            if (!set) {
                throw new IllegalArgumentException("required variable " + name + " is missing: " + interpolate(rest.substring(1), env));
            }
            return value;
        }
        if (rest.startsWith(":+")) {
            return nonEmpty ? interpolate(rest.substring(2), env) : "";
        }
        if (rest.startsWith("+")) {
            return set ? interpolate(rest.substring(1), env) : "";
        }
        throw new IllegalArgumentException("unsupported interpolation '${" + expr + "}' in '" + whole + "'");
    }
}
