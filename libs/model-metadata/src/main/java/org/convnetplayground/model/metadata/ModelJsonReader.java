package org.convnetplayground.model.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what runs a model from its {@code model.json} (the format of {@code ../shared/models}): the preprocessing, the
 * graph input, the ONNX file and its checksum, the named feature layers. The model-catalog-service reads model folders
 * with it and the Spark extraction job reads a model folder with it, so both take the same preprocessing from the same
 * file.
 *
 * <p>Preprocessing may be given in structured fields ({@code resize_mode}, {@code crop_fraction},
 * {@code interpolation}); when it is only described in words, as in the shared models, the resize rule is read from
 * that description.
 */
public final class ModelJsonReader {

    private static final Pattern SHORTER_TO_N = Pattern.compile("shorter side to (\\d+)");
    private static final Pattern CENTRE_CROP_N = Pattern.compile("cent(?:re|er) crop (\\d+)");
    private static final Pattern SIZE_OVER_FRACTION = Pattern.compile("size\\s*/\\s*(0?\\.\\d+)");
    static final double DEFAULT_CROP_FRACTION = 0.875;

    private ModelJsonReader() {
    }

    /**
     * The model's preprocessing.
     *
     * @param id the model's id, named in messages
     * @throws IllegalArgumentException naming the missing or bad field
     */
    public static ModelPreprocessing preprocessing(String id, JsonNode json) {
        JsonNode input = json.path("input");
        JsonNode pre = json.path("preprocessing");
        List<Integer> size = intList(input.path("size"));
        if (size.size() != 2) {
            size = spatialFromShape(input.path("shape"), text(input, "layout", "NCHW"));
        }
        if (size.size() != 2 || size.get(0) <= 0 || size.get(1) <= 0) {
            throw new IllegalArgumentException("model.json of '" + id + "': input.size must be [height, width]");
        }
        List<Double> mean = doubleList(pre.path("mean"));
        List<Double> std = doubleList(pre.path("std"));
        if (mean.size() != 3 || std.size() != 3 || std.stream().anyMatch(s -> !(s > 0))) {
            throw new IllegalArgumentException("model.json of '" + id
                    + "': preprocessing.mean and preprocessing.std must each have 3 values, std > 0");
        }
        String description = text(pre, "resize", "");
        String resize = pre.hasNonNull("resize_mode") ? pre.get("resize_mode").asText() : resizeModeFrom(description);
        double crop = pre.hasNonNull("crop_fraction") ? pre.get("crop_fraction").asDouble()
                : "stretch".equals(resize) ? 1.0 : cropFractionFrom(description, size.get(0));
        String interpolation = pre.hasNonNull("interpolation")
                ? pre.get("interpolation").asText().toLowerCase(Locale.ROOT) : interpolationFrom(description);
        if (!ModelPreprocessing.RESIZE_MODES.contains(resize)) {
            throw new IllegalArgumentException("model.json of '" + id + "': unknown resize_mode '" + resize
                    + "'; expected one of " + ModelPreprocessing.RESIZE_MODES);
        }
        if (!ModelPreprocessing.INTERPOLATIONS.contains(interpolation)) {
            throw new IllegalArgumentException("model.json of '" + id + "': unknown interpolation '" + interpolation
                    + "'; expected one of " + ModelPreprocessing.INTERPOLATIONS);
        }
        if (!(crop > 0 && crop <= 1)) {
            throw new IllegalArgumentException("model.json of '" + id + "': crop_fraction must be in (0, 1], got " + crop);
        }
        String formula = text(pre, "formula", "");
        return new ModelPreprocessing(size, text(input, "layout", "NCHW").toUpperCase(Locale.ROOT),
                text(input, "channel_order", "RGB").toUpperCase(Locale.ROOT), mean, std, resize, crop, interpolation,
                (description + (formula.isEmpty() ? "" : "; " + formula)).trim());
    }

    /** The graph input that takes the image ({@code input.name}), or "" when not stated. */
    public static String inputName(JsonNode json) {
        return text(json.path("input"), "name", "");
    }

    /** The ONNX file's name inside the model folder ({@code file}, {@code model.onnx} when not stated). */
    public static String file(JsonNode json) {
        return text(json, "file", "model.onnx");
    }

    /** The declared SHA-256 of the ONNX file, or "" when not stated. */
    public static String sha256(JsonNode json) {
        return text(json, "sha256", "");
    }

    /** The named intermediate tensors the publisher lists ({@code feature_layers}: names or objects with a name). */
    public static List<String> featureLayers(JsonNode json) {
        List<String> named = new ArrayList<>();
        for (JsonNode layer : json.path("feature_layers")) {
            String n = layer.isTextual() ? layer.asText() : layer.path("name").asText("");
            if (!n.isEmpty()) {
                named.add(n);
            }
        }
        return List.copyOf(named);
    }

    static String resizeModeFrom(String description) {
        String d = description.toLowerCase(Locale.ROOT);
        return d.contains("no crop") || d.startsWith("whole image") || d.contains("stretch")
                ? "stretch" : "shorter-side-crop";
    }

    /** "shorter side to 256, centre crop 224" gives 224/256; "shorter side to size/0.875" gives 0.875. */
    static double cropFractionFrom(String description, int inputHeight) {
        String d = description.toLowerCase(Locale.ROOT);
        Matcher fraction = SIZE_OVER_FRACTION.matcher(d);
        if (fraction.find()) {
            return Double.parseDouble(fraction.group(1));
        }
        Matcher shorter = SHORTER_TO_N.matcher(d);
        if (shorter.find()) {
            Matcher crop = CENTRE_CROP_N.matcher(d);
            int cropSize = crop.find() ? Integer.parseInt(crop.group(1)) : inputHeight;
            return Math.min(1.0, (double) cropSize / Integer.parseInt(shorter.group(1)));
        }
        return DEFAULT_CROP_FRACTION;
    }

    /** The filter the description names first; bilinear when it names none (the best measured default). */
    static String interpolationFrom(String description) {
        String d = description.toLowerCase(Locale.ROOT);
        int best = Integer.MAX_VALUE;
        String found = "bilinear";
        for (String f : ModelPreprocessing.INTERPOLATIONS) {
            int at = d.indexOf(f);
            if (at >= 0 && at < best) {
                best = at;
                found = f;
            }
        }
        return found;
    }

    private static List<Integer> spatialFromShape(JsonNode shape, String layout) {
        List<Integer> dims = new ArrayList<>();
        for (JsonNode d : shape) {
            dims.add(d.isInt() ? d.asInt() : -1);
        }
        if (dims.size() != 4) {
            return List.of();
        }
        return layout.equalsIgnoreCase("NHWC") ? List.of(dims.get(1), dims.get(2)) : List.of(dims.get(2), dims.get(3));
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static List<Integer> intList(JsonNode node) {
        List<Integer> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asInt()));
        return List.copyOf(out);
    }

    private static List<Double> doubleList(JsonNode node) {
        List<Double> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asDouble()));
        return List.copyOf(out);
    }
}
