package org.convnetplayground.catalog.rest;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What to download into the model store. */
@Schema(name = "DownloadRequest", description = "An ONNX model to fetch over HTTP(S) into the catalog's store. The zoo "
        + "(GET /api/catalog/zoo) lists ready-made requests.")
public record DownloadRequest(
        @Schema(description = "The new model's id (a folder name: letters, digits, '.', '_' or '-'); metadata.name when "
                + "absent.", examples = "resnet18-v2-7") String id,
        @Schema(description = "Where the ONNX file is: an http:// or https:// URL at a public address (this machine "
                + "and private networks are refused unless the operator allows them). Up to 5 redirects are followed, "
                + "each checked the same way.",
                examples = "https://github.com/onnx/models/raw/main/validated/vision/classification/resnet/model/resnet18-v2-7.onnx")
        String url,
        @Schema(description = "The file's SHA-256, 64 hex digits; a file with another checksum is discarded.",
                examples = "3b4d048057854022232aa20bf68262e31718ab7119a17f920b8a2dc1433f824b") String sha256,
        @Schema(description = "The model's metadata in the model.json form of the shared models (input size, layout, "
                + "channel order, preprocessing mean and std in pixel units 0..255, output.num_classes, licence, source); "
                + "its name, if given, must equal the id.", type = SchemaType.OBJECT) Map<String, Object> metadata) {
}
