package org.convnetplayground.search;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Checks a JSON answer for NaN and Infinity: as bare tokens (invalid JSON) or as strings in place of numbers. */
final class JsonScan {

    /** A reader that accepts NaN and Infinity tokens, so that they can be found rather than fail the parse. */
    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity", "+Infinity", "-NaN");

    private JsonScan() {
    }

    /** @return the number of numbers checked */
    static int assertFinite(String what, String body) {
        JsonNode root;
        try {
            root = LENIENT.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(what + ": not JSON: " + e.getMessage() + "\n" + abbreviate(body));
        }
        int[] numbers = {0};
        walk(what, "$", root, numbers);
        return numbers[0];
    }

    private static void walk(String what, String path, JsonNode node, int[] numbers) {
        if (node.isNumber()) {
            numbers[0]++;
            if (!Double.isFinite(node.doubleValue())) {
                fail(what + ": " + path + " is " + node.doubleValue());
            }
        } else if (node.isTextual()) {
            assertTrue(!NON_FINITE.contains(node.textValue().trim()), what + ": " + path + " is the string '"
                    + node.textValue() + "'");
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(what, path + "[" + i + "]", node.get(i), numbers);
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                walk(what, path + "." + f.getKey(), f.getValue(), numbers);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "...";
    }
}
