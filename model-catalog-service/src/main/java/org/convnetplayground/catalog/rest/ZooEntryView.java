package org.convnetplayground.catalog.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.convnetplayground.catalog.zoo.ModelZoo;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A well-known model the catalog can download. */
@Schema(name = "ZooModel", description = "A well-known ImageNet CNN with its canonical URL, checksum and preprocessing. "
        + "Download it with POST /api/catalog/zoo/{id}/download, or send {id, url, sha256, metadata} to "
        + "POST /api/catalog/models/download.")
public record ZooEntryView(
        @Schema(description = "The id it gets in the catalog.", examples = "resnet18-v2-7") String id,
        @Schema(description = "The published name and architecture.") String name,
        @Schema(description = "Architecture family.", examples = "ResNet") String family,
        @Schema(description = "Canonical download URL.") String url,
        @Schema(description = "SHA-256 of the file, verified while downloading.") String sha256,
        @Schema(description = "Size of the file in bytes.") long sizeBytes,
        @Schema(description = "Licence of the weights, as the source states it.") String license,
        @Schema(description = "Where the file, its checksum and its preprocessing come from.", type = SchemaType.OBJECT)
        Map<String, Object> source,
        @Schema(description = "How an image becomes the input tensor, in the model.json form (pixel units 0..255).",
                type = SchemaType.OBJECT) Map<String, Object> preprocessing,
        @Schema(description = "The whole model.json form: the `metadata` to send to /api/catalog/models/download.",
                type = SchemaType.OBJECT) Map<String, Object> metadata,
        @Schema(description = "What is known and not known about the entry.") String notes,
        @Schema(description = "Whether a model with this id is in the catalog now.") boolean installed) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    static ZooEntryView of(ModelZoo.Entry e, boolean installed) {
        JsonNode m = e.metadata();
        return new ZooEntryView(e.id(), m.path("architecture").asText(e.id()), m.path("family").asText(""), e.url(),
                e.sha256(), e.sizeBytes(), m.path("license").asText(""), map(m.path("source")),
                map(m.path("preprocessing")), map(m), m.path("notes").asText(""), installed);
    }

    private static Map<String, Object> map(JsonNode node) {
        return node.isObject() ? JSON.convertValue(node, MAP) : Map.of();
    }
}
