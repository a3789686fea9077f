package org.convnetplayground.catalog.rest;

import java.util.List;
import java.util.Map;
import org.convnetplayground.catalog.store.CatalogModel;
import org.convnetplayground.catalog.store.ModelMetadata;
import org.convnetplayground.catalog.store.Preprocessing;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A model as the catalog lists it. */
@Schema(name = "Model", description = "A pretrained CNN in the model store.")
public record ModelSummary(
        @Schema(description = "The model's id: its folder name in the model store.", examples = "mobilenet_v2_1.0_224")
        String id,
        @Schema(description = "The published name.") String name,
        @Schema(description = "Architecture family.", examples = "MobileNet") String family,
        @Schema(description = "One line on the architecture.") String architecture,
        @Schema(description = "Position in the complexity order, from 1 (fewest parameters).") int complexityRank,
        @Schema(description = "Number of weights (sum over all initializers).") long parameters,
        @Schema(description = "Number of layers (graph nodes).") int layerCount,
        @Schema(description = "Multiply-adds per image of Conv, Gemm and MatMul layers.") long flops,
        @Schema(description = "Input [height, width] in pixels.") List<Integer> inputSize,
        @Schema(description = "The graph input that takes the image tensor.") String inputName,
        @Schema(description = "Whether the model ends in ImageNet class logits.") boolean hasClassifier,
        @Schema(description = "Number of classes of the classifier, 0 for feature extractors.") int numClasses,
        @Schema(description = "The model's final output layer (class logits for classifiers).") String outputLayer,
        @Schema(description = "The final pooled embedding layer (or the last feature map, which is pooled).")
        String embeddingLayer,
        @Schema(description = "The curated feature layers, early to late, offered first in the UI.")
        List<String> featureLayers,
        @Schema(description = "How an image becomes the input tensor.") Preprocessing preprocessing,
        @Schema(description = "Licence of the weights.") String license,
        @Schema(description = "Where the weights come from: repository, commit, paths, as published with the model.",
                type = SchemaType.OBJECT) Map<String, Object> source,
        @Schema(description = "The format the weights were converted from.") String originalFormat,
        @Schema(description = "Conversion notes.") String notes,
        @Schema(description = "SHA-256 of the ONNX file, verified at load.") String sha256,
        @Schema(description = "Size of the ONNX file in bytes.") long sizeBytes,
        @Schema(description = "ONNX opset of the default domain.") long opset,
        @Schema(description = "Where the model came from: shared (the read-only shared models folder), upload (imported "
                + "through POST /api/catalog/models) or download (fetched through /api/catalog/models/download).",
                enumeration = {"shared", "upload", "download"}) String origin,
        @Schema(description = "Whether the model is read-only (a shared model); imported and downloaded ones can be deleted.")
        boolean readOnly) {

    private static String outputLayer(CatalogModel m) {
        String declared = m.metadata().outputName();
        boolean exists = m.table().layers().stream().anyMatch(l -> l.name().equals(declared));
        return exists ? declared : m.table().layers().get(m.table().layers().size() - 1).name();
    }

    static ModelSummary of(CatalogModel m, int rank) {
        ModelMetadata meta = m.metadata();
        return new ModelSummary(m.id(), meta.name(), meta.family(), meta.architecture(), rank, m.parameters(),
                m.layerCount(), m.table().flops(), meta.preprocessing().inputSize(), m.inputName(), meta.hasClassifier(),
                meta.numClasses(), outputLayer(m), m.table().embeddingLayer(), m.table().featureLayers(), meta.preprocessing(),
                meta.license(), meta.source(), meta.originalFormat(), meta.notes(), m.sha256(), m.sizeBytes(),
                m.opset(), m.origin(), m.readOnly());
    }
}
