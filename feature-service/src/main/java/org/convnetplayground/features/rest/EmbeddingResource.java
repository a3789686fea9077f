package org.convnetplayground.features.rest;

import org.convnetplayground.guard.ChangesNothing;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import org.convnetplayground.features.dataset.DatasetRegistry;
import org.convnetplayground.features.extraction.Embedding;
import org.convnetplayground.features.extraction.ExtractionPlan;
import org.convnetplayground.features.extraction.FeatureExtractor;
import org.convnetplayground.problem.Problem;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Vectors for one uploaded image (or one image of a dataset), computed synchronously. */
@Path("/embeddings")
@Tag(name = "embeddings", description = "The vectors of one uploaded image, or of one image of a dataset")
public class EmbeddingResource {

    @Inject
    FeatureExtractor extractor;

    @Inject
    Uploads uploads;

    @Inject
    DatasetRegistry datasets;

    @POST
    @ChangesNothing
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Embed one image",
            description = "Decodes the uploaded image (JPEG, PNG, GIF, BMP, WebP or TIFF), or image `imageId` of "
                    + "`dataset`, preprocesses it exactly as the model's metadata says (the response reports the "
                    + "resampling filter used), runs the model once and pools each requested layer to a vector. An "
                    + "image of a dataset gets the same vector as in an extraction of that dataset (up to float "
                    + "rounding between batch sizes).")
    @APIResponse(responseCode = "200", description = "One vector per requested layer.")
    @APIResponse(responseCode = "400", description = "Missing, empty, corrupt or non-image upload (or neither an "
            + "upload nor imageId); bad pooling.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown model, layer, dataset or image of the dataset.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Image larger than the limits.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not multipart/form-data.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Embedding embed(@RestForm("image") @Schema(description = "The image file; or give dataset and imageId "
                                   + "instead.") FileUpload image,
                           @RestForm("dataset") @Schema(description = "With imageId: the dataset that holds the "
                                   + "image.") String dataset,
                           @RestForm("imageId") @Schema(description = "Instead of `image`: the id of an image of "
                                   + "`dataset`.") String imageId,
                           @RestForm("model") @Schema(description = "Model id.") String model,
                           @RestForm("layers") @Schema(description = "Comma-separated layer names; the embedding layer when empty.") String layers,
                           @RestForm("pooling") @Schema(description = "avg (default), max or flatten.") String pooling) {
        Uploads.Image img = uploads.imageOrDatasetImage(image, "image", datasets, dataset, imageId, "imageId");
        List<String> names = layers == null || layers.isBlank() ? List.of()
                : Arrays.stream(layers.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        ExtractionPlan plan = extractor.plan(model, names, pooling);
        return extractor.embed(img.bytes(), img.name(), plan);
    }
}
