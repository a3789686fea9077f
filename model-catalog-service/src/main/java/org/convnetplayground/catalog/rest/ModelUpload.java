package org.convnetplayground.catalog.rest;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The parts of a model upload (documentation of the multipart body). */
@Schema(name = "ModelUpload", description = "A multipart/form-data body: the ONNX file, its metadata and optional labels.",
        requiredProperties = {"model", "metadata"})
public class ModelUpload {

    @Schema(description = "The ONNX file (a file part). Streamed to disk; at most cnp.catalog.max-import-bytes.",
            type = SchemaType.STRING, format = "binary")
    public String model;

    @Schema(description = "The model's metadata, JSON in the model.json form of the shared models (a file or text part); "
            + "its name is the new model's id. Required: name, preprocessing.mean and preprocessing.std (or "
            + "preprocessing.scale), in pixel units 0..255 and the model's channel order; input.size [height, width] "
            + "unless the graph fixes it. Optional: input.layout (NCHW or NHWC, else read from the graph), "
            + "input.channel_order (RGB or BGR, default RGB), input.name, output.num_classes, output.labels or "
            + "output.labels_file \"imagenet_labels.txt\" (the catalog's ImageNet labels), feature_layers, head, "
            + "license, source, notes, preprocessing.resize / resize_mode / crop_fraction / interpolation.",
            type = SchemaType.STRING,
            examples = "{\"name\": \"my_mobilenet\", \"input\": {\"size\": [128, 128], \"layout\": \"NCHW\", "
                    + "\"channel_order\": \"RGB\"}, \"preprocessing\": {\"mean\": [127.5, 127.5, 127.5], "
                    + "\"std\": [127.5, 127.5, 127.5]}, \"output\": {\"num_classes\": 1000, "
                    + "\"labels_file\": \"imagenet_labels.txt\"}}")
    public String metadata;

    @Schema(description = "Optional class labels, one per line in output order (as many as output.num_classes).",
            type = SchemaType.STRING)
    public String labels;
}
