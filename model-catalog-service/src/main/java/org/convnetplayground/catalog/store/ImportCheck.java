package org.convnetplayground.catalog.store;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.convnetplayground.onnx.graph.GraphInput;
import org.convnetplayground.onnx.graph.OnnxGraph;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.InvalidInputException;

/**
 * Checks the metadata that comes with a new model (the {@code model.json} form of the shared models) on its own and
 * then against the model's graph, and produces the {@code model.json} the store writes. Every failure is an
 * {@link InvalidInputException} naming the field, the bad value and what was expected.
 */
final class ImportCheck {

    /** Model ids name folders: no separators, no leading dot, nothing a file system treats specially. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final String ID_RULE = "a model id of 1 to 100 letters, digits, '.', '_' or '-' starting with a letter or "
            + "digit (it names the model's folder, so it cannot contain '/', '\\' or start with '.')";
    /** Ids that are path segments of the API under /models. */
    static final Set<String> RESERVED_IDS = Set.of("download");
    /** The largest input side accepted: the catalog runs the model once at this size to learn its shapes. */
    static final int MAX_SIDE = 1024;
    static final List<String> LAYOUTS = List.of("NCHW", "NHWC");
    static final List<String> CHANNEL_ORDERS = List.of("RGB", "BGR");
    /**
     * The range of std, in pixel units: from inputs within +-25500 (0.01) to inputs within +-0.0255 (10000); the usual
     * values are 1 (Caffe), 58 (ImageNet statistics), 127.5 ([-1, 1]) and 255 ([0, 1]).
     */
    static final double MIN_STD = 0.01;
    static final double MAX_STD = 10_000;
    private static final String EXPECTED_IMAGE = "an image input [batch, 3, H, W] (NCHW) or [batch, H, W, 3] (NHWC)";
    private static final String MODEL_JSON = "a JSON object in the model.json form of the shared models, e.g. "
            + "{\"name\": \"my_model\", \"input\": {\"size\": [224, 224], \"layout\": \"NCHW\", \"channel_order\": \"RGB\"}, "
            + "\"preprocessing\": {\"mean\": [123.675, 116.28, 103.53], \"std\": [58.395, 57.12, 57.375]}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImportCheck() {
    }

    /**
     * What the metadata states, checked on its own (before the graph is read).
     *
     * @param id           the new model's id
     * @param layout       NCHW or NHWC, or null when left to the graph
     * @param channelOrder RGB or BGR
     * @param size         [height, width], or null when left to the graph
     * @param inputName    the graph input it names, or null
     * @param numClasses   classes of the classifier head, 0 for none
     * @param outputName   the output it names, or null
     * @param featureLayers the named feature layers
     * @param labels       labels given inline ({@code output.labels}), or null
     * @param labelsFile   the labels file it names, or null
     * @param sha256       the checksum it declares, or null
     */
    record Stated(String id, String layout, String channelOrder, List<Integer> size, String inputName, int numClasses,
                  String outputName, List<String> featureLayers, List<String> labels, String labelsFile,
                  String sha256) {
    }

    /** Parses the metadata text of an upload. */
    static ObjectNode parse(String text) {
        if (text == null || text.isBlank()) {
            throw InvalidInputException.missing("metadata", MODEL_JSON);
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String why = e.getOriginalMessage().replaceAll("\\s*\\(code \\d+\\)", "").trim();
            throw problem("metadata", null, "metadata is not JSON: " + why
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; expected " + MODEL_JSON);
        }
        return object(node, "metadata");
    }

    /** The metadata as a JSON object, or an invalid-input failure. */
    static ObjectNode object(JsonNode node, String field) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw InvalidInputException.missing(field, MODEL_JSON);
        }
        if (!node.isObject()) {
            throw problem(field, null, field + " is a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT)
                    + "; expected " + MODEL_JSON);
        }
        return (ObjectNode) node;
    }

    /** A safe id, or an invalid-input failure naming {@code field}. */
    static String checkId(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw InvalidInputException.missing(field, "the new model's id: " + ID_RULE);
        }
        if (!ID.matcher(id).matches()) {
            throw InvalidInputException.invalid(field, id, ID_RULE);
        }
        if (RESERVED_IDS.contains(id.toLowerCase(Locale.ROOT))) {
            throw InvalidInputException.invalid(field, id, "a name other than " + RESERVED_IDS + ", reserved by the API");
        }
        return id;
    }

    /** Checks every field that can be checked without the graph. */
    static Stated fields(ObjectNode json) {
        JsonNode name = json.get("name");
        if (name == null || name.isNull()) {
            throw InvalidInputException.missing("metadata.name", "the new model's id: " + ID_RULE);
        }
        if (!name.isTextual()) {
            throw InvalidInputException.invalid("metadata.name", name, ID_RULE);
        }
        String id = checkId("metadata.name", name.asText());

        JsonNode input = optionalObject(json, "input", "metadata.input");
        String layout = choice(input, "layout", "metadata.input.layout", LAYOUTS, null);
        String channelOrder = choice(input, "channel_order", "metadata.input.channel_order", CHANNEL_ORDERS, "RGB");
        JsonNode dtype = input.get("dtype");
        if (dtype != null && !dtype.isNull() && !List.of("float32", "float").contains(dtype.asText().toLowerCase(Locale.ROOT))) {
            throw InvalidInputException.invalid("metadata.input.dtype", dtype.asText(),
                    "float32 (the catalog feeds float32 tensors)");
        }
        List<Integer> size = size(input, layout);
        String inputName = text(input, "name", "metadata.input.name");

        JsonNode pre = json.get("preprocessing");
        if (pre == null || pre.isNull()) {
            throw InvalidInputException.missing("metadata.preprocessing", "an object with mean and std (or scale) per "
                    + "channel in pixel units 0..255, e.g. {\"mean\": [123.675, 116.28, 103.53], \"std\": [58.395, 57.12, 57.375]}");
        }
        optionalObject(json, "preprocessing", "metadata.preprocessing");
        meanAndStd((ObjectNode) pre);

        JsonNode output = optionalObject(json, "output", "metadata.output");
        int numClasses = 0;
        JsonNode classes = output.get("num_classes");
        if (classes != null && !classes.isNull()) {
            if (!classes.canConvertToInt() || !classes.isIntegralNumber() || classes.asInt() < 0 || classes.asInt() > 100_000) {
                throw InvalidInputException.invalid("metadata.output.num_classes", classes, "an integer from 0 to 100000");
            }
            numClasses = classes.asInt();
        }
        String head = json.hasNonNull("head") ? json.get("head").asText() : "logits";
        if (head.toLowerCase(Locale.ROOT).startsWith("none")) {
            numClasses = 0;
        }
        String outputName = text(output, "name", "metadata.output.name");
        List<String> labels = null;
        JsonNode inline = output.get("labels");
        if (inline != null && !inline.isNull()) {
            if (!inline.isArray() || !allText(inline)) {
                throw InvalidInputException.invalid("metadata.output.labels", abbreviate(inline), "an array of class names in output order");
            }
            labels = new ArrayList<>();
            for (JsonNode l : inline) {
                labels.add(l.asText());
            }
        }
        String labelsFile = text(output, "labels_file", "metadata.output.labels_file");

        List<String> featureLayers = new ArrayList<>();
        JsonNode features = json.get("feature_layers");
        if (features != null && !features.isNull()) {
            if (!features.isArray()) {
                throw InvalidInputException.invalid("metadata.feature_layers", abbreviate(features),
                        "an array of layer names (or of objects with a name)");
            }
            for (JsonNode f : features) {
                String n = f.isTextual() ? f.asText() : f.path("name").asText("");
                if (n.isEmpty()) {
                    throw InvalidInputException.invalid("metadata.feature_layers", abbreviate(f),
                            "a layer name, or an object with a name");
                }
                featureLayers.add(n);
            }
        }
        String sha = text(json, "sha256", "metadata.sha256");
        if (sha != null && !sha.matches("[0-9a-fA-F]{64}")) {
            throw InvalidInputException.invalid("metadata.sha256", sha, "64 hexadecimal digits, or no sha256 at all");
        }
        return new Stated(id, layout, channelOrder, size, inputName, numClasses, outputName, List.copyOf(featureLayers),
                labels == null ? null : List.copyOf(labels), labelsFile, sha == null ? null : sha.toLowerCase(Locale.ROOT));
    }

    /**
     * Checks the stated metadata against the graph and completes it: the input's name, shape, layout and size come
     * from the graph where the metadata leaves them out.
     *
     * @return the model.json to store (a copy of {@code json}, completed)
     */
    static ObjectNode againstGraph(Stated stated, ObjectNode json, OnnxModel model) {
        OnnxGraph graph = model.graph();
        List<OnnxModel.ExternalData> external = model.externalData();
        if (!external.isEmpty()) {
            throw externalData(external);
        }
        List<GraphInput> inputs = graph.inputs();
        if (inputs.size() != 1) {
            throw problem("model", null, "the model has " + inputs.size() + " inputs "
                    + inputs.stream().map(i -> "'" + i.name() + "' " + shape(i)).toList() + "; expected exactly one, "
                    + EXPECTED_IMAGE);
        }
        GraphInput in = inputs.get(0);
        if (stated.inputName() != null && !stated.inputName().equals(in.name())) {
            throw InvalidInputException.invalid("metadata.input.name", stated.inputName(),
                    "'" + in.name() + "', the name of the graph's only input");
        }
        if (in.elemType() != GraphInput.FLOAT) {
            throw problem("model", null, "the model's input '" + in.name() + "' holds " + elementType(in.elemType())
                    + " values; expected float32, " + EXPECTED_IMAGE);
        }
        long c1 = in.rank() == 4 ? in.dim(1) : 0;
        long c3 = in.rank() == 4 ? in.dim(3) : 0;
        boolean nchw = in.rank() == 4 && (c1 == 3 || (c1 < 0 && c3 != 3));
        boolean nhwc = in.rank() == 4 && (c3 == 3 || (c3 < 0 && c1 != 3));
        if (!nchw && !nhwc) {
            throw problem("model", null, "the model's input '" + in.name() + "' has shape " + shape(in)
                    + "; expected " + EXPECTED_IMAGE);
        }
        String layout = stated.layout();
        if (layout == null) {
            layout = nchw ? "NCHW" : "NHWC";
        } else if (layout.equals("NCHW") ? !nchw : !nhwc) {
            throw InvalidInputException.invalid("metadata.input.layout", layout, "'" + (nchw ? "NCHW" : "NHWC")
                    + "': the model's input '" + in.name() + "' has shape " + shape(in));
        }
        int hAxis = layout.equals("NCHW") ? 2 : 1;
        long h = in.dim(hAxis);
        long w = in.dim(hAxis + 1);
        List<Integer> size = stated.size();
        if (size == null) {
            if (h <= 0 || w <= 0) {
                throw InvalidInputException.missing("metadata.input.size", "[height, width] in pixels: the model's input '"
                        + in.name() + "' " + shape(in) + " has no fixed spatial size, so the metadata must state it");
            }
            if (h > MAX_SIDE || w > MAX_SIDE) {
                throw problem("model", null, "the model's input '" + in.name() + "' " + shape(in)
                        + " is larger than the catalog accepts; expected height and width up to " + MAX_SIDE);
            }
            size = List.of((int) h, (int) w);
        } else if ((h > 0 && h != size.get(0)) || (w > 0 && w != size.get(1))) {
            List<String> fixed = List.of(h > 0 ? Long.toString(h) : "any", w > 0 ? Long.toString(w) : "any");
            throw InvalidInputException.invalid("metadata.input.size", size, fixed.toString().replace("any", "(any)")
                    + ": the model's input '" + in.name() + "' has shape " + shape(in) + " (" + layout + ")");
        }

        for (String f : stated.featureLayers()) {
            if (!graph.producedTensors().contains(f)) {
                throw InvalidInputException.invalid("metadata.feature_layers", f, "names of tensors the graph produces, e.g. "
                        + examples(graph) + " (list them at /api/catalog/models/{id}/layers after importing without "
                        + "feature_layers)");
            }
        }
        if (stated.outputName() != null && !graph.producedTensors().contains(stated.outputName())) {
            throw InvalidInputException.invalid("metadata.output.name", stated.outputName(),
                    "a tensor the graph produces, e.g. its output " + graph.outputs());
        }

        ObjectNode out = json.deepCopy();
        ObjectNode input = out.has("input") && out.get("input").isObject() ? (ObjectNode) out.get("input") : out.putObject("input");
        input.put("name", in.name());
        ArrayNode dims = input.putArray("shape");
        for (int i = 0; i < in.rank(); i++) {
            if (in.dim(i) > 0) {
                dims.add(in.dim(i));
            } else {
                dims.add(in.dims().get(i));
            }
        }
        input.put("dtype", "float32");
        input.put("layout", layout);
        input.put("channel_order", stated.channelOrder());
        input.putArray("size").add(size.get(0)).add(size.get(1));
        ObjectNode pre = (ObjectNode) out.get("preprocessing");
        MeanStd ms = meanAndStd(pre);
        ArrayNode mean = pre.putArray("mean");
        ms.mean().forEach(mean::add);
        ArrayNode std = pre.putArray("std");
        ms.std().forEach(std::add);
        return out;
    }

    /**
     * A model that names files for tensor values: refused wherever the tensor is, since ONNX Runtime would open the
     * file (relative to its working directory when given the model as bytes), and the catalog never reads a file a
     * model names.
     */
    static InvalidInputException externalData(List<OnnxModel.ExternalData> external) {
        OnnxModel.ExternalData first = external.get(0);
        String more = external.size() == 1 ? "" : " (and " + (external.size() - 1) + " more tensors do the same)";
        return problem("model", first.tensor(), "the model refers to external data: tensor '" + first.tensor() + "', "
                + first.where() + ", keeps its values in the file '" + abbreviate(first.location()) + "'" + more
                + "; expected a self-contained ONNX file (save it without external data): the catalog never reads "
                + "files a model names");
    }

    record MeanStd(List<Double> mean, List<Double> std) {
    }

    /** mean and std (or scale) per channel in pixel units, checked. */
    static MeanStd meanAndStd(ObjectNode pre) {
        JsonNode meanNode = pre.get("mean");
        if (meanNode == null || meanNode.isNull()) {
            throw InvalidInputException.missing("metadata.preprocessing.mean", "3 numbers in pixel units 0..255 (one per "
                    + "channel, in the model's channel order), e.g. [123.675, 116.28, 103.53]");
        }
        List<Double> mean = triple(meanNode);
        if (mean == null || mean.stream().anyMatch(m -> !(m >= 0 && m <= 255))) {
            throw InvalidInputException.invalid("metadata.preprocessing.mean", abbreviate(meanNode), "3 numbers from 0 to 255 "
                    + "(one per channel, in the model's channel order, in pixel units) or one number for all three");
        }
        JsonNode stdNode = pre.get("std");
        JsonNode scaleNode = pre.get("scale");
        boolean hasStd = stdNode != null && !stdNode.isNull();
        boolean hasScale = scaleNode != null && !scaleNode.isNull();
        if (hasStd && hasScale) {
            throw problem("metadata.preprocessing.scale", scaleNode.toString(), "metadata.preprocessing gives both std "
                    + stdNode + " and scale " + scaleNode + "; expected one of them: x = (pixel - mean) / std, or "
                    + "x = (pixel - mean) * scale");
        }
        if (!hasStd && !hasScale) {
            throw InvalidInputException.missing("metadata.preprocessing.std", "3 numbers > 0 in pixel units 0..255 "
                    + "(x = (pixel - mean) / std), e.g. [58.395, 57.12, 57.375], or preprocessing.scale (x = (pixel - mean) * scale)");
        }
        List<Double> std;
        if (hasStd) {
            std = triple(stdNode);
            if (std == null || std.stream().anyMatch(s -> !(s >= MIN_STD && s <= MAX_STD))) {
                throw InvalidInputException.invalid("metadata.preprocessing.std", abbreviate(stdNode), "3 numbers > 0, "
                        + "each from " + MIN_STD + " to " + (long) MAX_STD + " (one per channel, in pixel units 0..255: "
                        + "x = (pixel - mean) / std; a smaller std makes the model's input explode), or one such number "
                        + "for all three");
            }
        } else {
            List<Double> scale = triple(scaleNode);
            if (scale == null || scale.stream().anyMatch(s -> !(s >= 1 / MAX_STD && s <= 1 / MIN_STD))) {
                throw InvalidInputException.invalid("metadata.preprocessing.scale", abbreviate(scaleNode), "3 numbers > 0, "
                        + "each from 0.0001 to 100 (1 / std: x = (pixel - mean) * scale, "
                        + "pixel in 0..255; a larger scale makes the model's input explode), or one such number for all "
                        + "three");
            }
            std = scale.stream().map(s -> 1.0 / s).toList();
        }
        boolean zeroToOne = mean.stream().allMatch(m -> m <= 1) && std.stream().allMatch(s -> s < 1);
        if (zeroToOne) {
            throw problem("metadata.preprocessing.mean", mean.toString(), "metadata.preprocessing.mean " + mean
                    + " and std " + std + " look like 0..1 units; expected pixel units 0..255 (x = (pixel - mean) / std "
                    + "with pixel in 0..255): multiply both by 255, e.g. mean [123.675, 116.28, 103.53] and std "
                    + "[58.395, 57.12, 57.375] for ImageNet's [0.485, 0.456, 0.406] and [0.229, 0.224, 0.225]");
        }
        return new MeanStd(mean, std);
    }

    /** A tensor's element type as people know it. */
    static String elementType(int type) {
        return switch (type) {
            case 0 -> "no declared type of";
            case 1 -> "float32";
            case 2 -> "uint8";
            case 3 -> "int8";
            case 4 -> "uint16";
            case 5 -> "int16";
            case 6 -> "int32";
            case 7 -> "int64";
            case 8 -> "string";
            case 9 -> "bool";
            case 10 -> "float16";
            case 11 -> "float64";
            case 16 -> "bfloat16";
            default -> "ONNX element type " + type + " (not float32)";
        };
    }

    /** "[batch, 3, 224, 224]" */
    static String shape(GraphInput in) {
        return in.dims().toString();
    }

    private static String examples(OnnxGraph graph) {
        List<String> names = new ArrayList<>(graph.producedTensors());
        return names.size() <= 8 ? names.toString() : names.subList(0, 8) + " (and " + (names.size() - 8) + " more)";
    }

    private static List<Integer> size(JsonNode input, String layout) {
        JsonNode size = input.get("size");
        if (size != null && !size.isNull()) {
            if (!size.isArray() || size.size() != 2 || !side(size.get(0)) || !side(size.get(1))) {
                throw InvalidInputException.invalid("metadata.input.size", abbreviate(size),
                        "[height, width] in pixels, each an integer from 1 to " + MAX_SIDE);
            }
            return List.of(size.get(0).asInt(), size.get(1).asInt());
        }
        JsonNode shape = input.get("shape");
        if (shape != null && shape.isArray() && shape.size() == 4) {
            int at = "NHWC".equals(layout) ? 1 : 2;
            JsonNode h = shape.get(at);
            JsonNode w = shape.get(at + 1);
            if (h.isIntegralNumber() && w.isIntegralNumber()) {
                if (!side(h) || !side(w)) {
                    throw InvalidInputException.invalid("metadata.input.shape", abbreviate(shape),
                            "a shape whose height and width are integers from 1 to " + MAX_SIDE);
                }
                return List.of(h.asInt(), w.asInt());
            }
        }
        return null;
    }

    private static boolean side(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.asLong() >= 1 && n.asLong() <= MAX_SIDE;
    }

    /** One number for all three channels, or three numbers. */
    private static List<Double> triple(JsonNode node) {
        if (node.isNumber()) {
            double v = node.asDouble();
            return List.of(v, v, v);
        }
        if (!node.isArray() || node.size() != 3) {
            return null;
        }
        List<Double> out = new ArrayList<>(3);
        for (JsonNode n : node) {
            if (!n.isNumber()) {
                return null;
            }
            out.add(n.asDouble());
        }
        return List.copyOf(out);
    }

    private static JsonNode optionalObject(JsonNode parent, String key, String field) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return JSON.createObjectNode();
        }
        if (!n.isObject()) {
            throw InvalidInputException.invalid(field, abbreviate(n), "a JSON object");
        }
        return n;
    }

    private static String choice(JsonNode parent, String key, String field, List<String> choices, String fallback) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        String v = n.asText().toUpperCase(Locale.ROOT);
        if (!n.isTextual() || !choices.contains(v)) {
            throw InvalidInputException.invalid(field, abbreviate(n), "one of " + choices);
        }
        return v;
    }

    private static String text(JsonNode parent, String key, String field) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw InvalidInputException.invalid(field, abbreviate(n), "a non-empty string");
        }
        return n.asText();
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(JsonNode n) {
        return abbreviate(n.isTextual() ? n.asText() : n.toString());
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    /** A bad model file ("Invalid model") or bad metadata ("Invalid metadata"), explained in {@code detail}. */
    static InvalidInputException problem(String parameter, String value, String detail) {
        String title = parameter != null && parameter.startsWith("metadata") ? "Invalid metadata" : "Invalid model";
        return new InvalidInputException(title, detail, new DomainException.Details(parameter, value, null, null));
    }

    /** Provenance written into model.json as {@code catalog_import}. */
    static ObjectNode provenance(Map<String, Object> fields) {
        ObjectNode node = JSON.createObjectNode();
        fields.forEach((k, v) -> {
            if (v != null) {
                node.put(k, String.valueOf(v));
            }
        });
        return node;
    }
}
