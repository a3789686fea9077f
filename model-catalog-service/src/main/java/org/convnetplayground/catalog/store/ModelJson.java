package org.convnetplayground.catalog.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.Map;
import org.convnetplayground.model.metadata.ModelJsonReader;
import org.convnetplayground.model.metadata.ModelPreprocessing;

/**
 * Reads {@code model.json} (the format of {@code ../shared/models}) into {@link ModelMetadata}. What runs the model -
 * its preprocessing, input, file and feature layers - is read by libs/model-metadata ({@link ModelJsonReader}), the
 * reader the Spark extraction job uses too; the rest (provenance, licence, head) is read here.
 */
public final class ModelJson {

    private static final ObjectMapper SOURCE_READER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> SOURCE_TYPE = new TypeReference<>() { };

    private ModelJson() {
    }

    /**
     * @throws IllegalArgumentException naming the missing or bad field
     */
    public static ModelMetadata read(String id, JsonNode json) {
        JsonNode output = json.path("output");
        ModelPreprocessing p = ModelJsonReader.preprocessing(id, json);
        Preprocessing preprocessing = new Preprocessing(p.inputSize(), p.layout(), p.channelOrder(), p.mean(), p.std(),
                p.resize(), p.cropFraction(), p.interpolation(), p.description());

        String head = json.hasNonNull("head") ? json.get("head").asText() : "logits";
        int numClasses = output.path("num_classes").asInt(0);
        boolean classifier = !head.toLowerCase(Locale.ROOT).startsWith("none") && numClasses > 0;
        return new ModelMetadata(id, text(json, "name", id), text(json, "family", ""),
                text(json, "architecture", ""), classifier, head, text(json, "license", ""),
                SOURCE_READER.convertValue(json.path("source"), SOURCE_TYPE), text(json, "original_format", ""),
                text(json, "notes", ""), ModelJsonReader.file(json), ModelJsonReader.sha256(json),
                json.hasNonNull("parameter_count") ? json.get("parameter_count").asLong() : null,
                ModelJsonReader.inputName(json), preprocessing, text(output, "name", ""), classifier ? numClasses : 0,
                output.hasNonNull("labels_file") ? output.get("labels_file").asText() : null,
                ModelJsonReader.featureLayers(json));
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }
}
