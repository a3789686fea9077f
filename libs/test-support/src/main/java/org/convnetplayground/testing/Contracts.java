package org.convnetplayground.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The committed OpenAPI documents under {@code contracts/} are the contract the frontend client is generated from;
 * a running service must publish exactly the same document.
 */
public final class Contracts {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Contracts() {
    }

    public static Path committed(String service) {
        return Repo.dir().resolve("contracts").resolve(service + ".yaml");
    }

    /**
     * The differences between the committed document of {@code service} and {@code liveYaml}, as JSON-pointer
     * paths ("/paths/~1api~1search~1query/post: changed"); empty when they are the same document.
     */
    public static List<String> differences(String service, String liveYaml) throws IOException {
        JsonNode committed = YAML.readTree(Files.readString(committed(service)));
        JsonNode live = YAML.readTree(liveYaml);
        List<String> out = new ArrayList<>();
        diff("", committed, live, out);
        return out;
    }

    /**
     * Operations of {@code liveYaml} that are not documented well enough to call without reading the code: each
     * needs a summary and a description, a success response, an error response when it takes any input, and an
     * example of any JSON request body.
     */
    public static List<String> documentationGaps(String liveYaml) throws IOException {
        JsonNode doc = YAML.readTree(liveYaml);
        List<String> gaps = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            String name = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
            JsonNode o = op.getValue();
            if (o.path("summary").asText("").isBlank()) {
                gaps.add(name + ": no summary");
            }
            if (o.path("description").asText("").isBlank()) {
                gaps.add(name + ": no description");
            }
            List<String> codes = new ArrayList<>();
            o.path("responses").fieldNames().forEachRemaining(codes::add);
            if (codes.stream().noneMatch(c -> c.startsWith("2"))) {
                gaps.add(name + ": no success response");
            }
            boolean takesInput = o.has("parameters") || o.has("requestBody");
            if (takesInput && codes.stream().noneMatch(c -> c.startsWith("4"))) {
                gaps.add(name + ": takes input but documents no 4xx response");
            }
            JsonNode json = o.path("requestBody").path("content").path("application/json");
            if (!json.isMissingNode() && !json.has("examples") && !json.has("example")) {
                gaps.add(name + ": no example of its JSON body");
            }
        }));
        return gaps;
    }

    private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
        if (out.size() >= 20) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                String p = path + "/" + k.replace("~", "~0").replace("/", "~1");
                if (!a.has(k)) {
                    out.add(p + ": only in the running service");
                } else if (!b.has(k)) {
                    out.add(p + ": only in the committed contract");
                } else {
                    diff(p, a.get(k), b.get(k), out);
                }
            }
        } else if (!a.equals(b)) {
            out.add(path + ": committed " + abbreviate(a) + ", running " + abbreviate(b));
        }
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
