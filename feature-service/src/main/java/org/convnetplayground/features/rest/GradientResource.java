package org.convnetplayground.features.rest;

import org.convnetplayground.guard.ChangesNothing;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import org.convnetplayground.features.dataset.DatasetRegistry;
import org.convnetplayground.features.inspection.GradientMaps;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Gradient maps of one image (plain gradient, SmoothGrad, Grad-CAM), as a picture or as arrays. */
@Path("/gradients")
@Tag(name = "inspection")
public class GradientResource {

    private static final String PROBLEM = Problem.MEDIA_TYPE;
    static final String NPZ = "application/octet-stream";

    @Inject
    GradientMaps maps;

    @Inject
    DatasetRegistry datasets;

    @Inject
    Uploads uploads;

    @POST
    @ChangesNothing
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({"image/png", NPZ})
    @Operation(summary = "Which pixels move a channel or a similarity",
            description = "The gradient of an objective with respect to the model's input, from a generated backward "
                    + "ONNX graph. The objective is the channel's mean activation over the layer's spatial positions "
                    + "(`channel`), or the cosine similarity between the image's and a reference image's global-average "
                    + "pooled vectors at the layer (`reference` or `referenceId`, as 'Why similar?' asks it). "
                    + "`method`: `gradient` (the plain gradient), `smoothgrad` (averaged over 16 copies with Gaussian "
                    + "noise of 15 % of the input's range, fixed seed) or `gradcam` (ReLU of the activations at "
                    + "`camLayer` weighted by their mean gradient; camLayer defaults to the layer itself when it has "
                    + "spatial extent, else the last layer before it that has). `format=png` (default) draws the map "
                    + "over the image as the model saw it (its input size, after resizing and cropping), with the "
                    + "method's name written on it; `format=npz` returns a NumPy .npz holding `input` (the "
                    + "preprocessed model input, float32, the model's input shape, batch 1) and `gradient` (the "
                    + "objective's gradient with respect to it, same shape; for smoothgrad the average), plus `cam` "
                    + "(float32, the cam layer's height x width) for gradcam. Response headers X-Gradient-Method, "
                    + "X-Gradient-Objective (the objective's value on the image) and, for gradcam, X-Gradient-Cam-Layer.")
    @APIResponse(responseCode = "200", description = "The map.", content = {
        @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")),
        @Content(mediaType = NPZ, schema = @Schema(type = SchemaType.STRING, format = "binary"))})
    @APIResponse(responseCode = "400", description = "Bad image, method or format; channel out of range (named with "
            + "the range); both or neither of channel and a reference; a camLayer without spatial extent; a model "
            + "with an operator that has no gradient rule (named, with its node).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown model, layer, dataset or image.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Response gradients(
            @RestForm("image") @Schema(description = "The image; or give dataset and imageId instead.") FileUpload image,
            @RestForm("dataset") @Schema(description = "The dataset of imageId and referenceId.") String dataset,
            @RestForm("imageId") @Schema(description = "Instead of `image`: the id of an image of `dataset`.") String imageId,
            @RestForm("model") @Schema(description = "Model id.", required = true) String model,
            @RestForm("layer") @Schema(description = "The objective's layer.", required = true) String layer,
            @RestForm("channel") @Schema(description = "The channel whose mean activation is the objective.") String channel,
            @RestForm("reference") @Schema(description = "Instead of channel: the image to be similar to (an uploaded "
                    + "query).") FileUpload reference,
            @RestForm("referenceId") @Schema(description = "Instead of channel: the id of an image of `dataset` to be "
                    + "similar to.") String referenceId,
            @RestForm("method") @Schema(description = "gradient (default), smoothgrad or gradcam",
                    enumeration = {"gradient", "smoothgrad", "gradcam"}) String method,
            @RestForm("camLayer") @Schema(description = "Grad-CAM only: the layer whose activations are weighted.")
            String camLayer,
            @RestForm("format") @Schema(description = "png (default) or npz", enumeration = {"png", "npz"}) String format) {
        if (model == null || model.isBlank()) {
            throw ProblemException.missing("model", "a model id from /api/catalog/models");
        }
        if (layer == null || layer.isBlank()) {
            throw ProblemException.missing("layer", "a layer from /api/catalog/models/" + model + "/layers");
        }
        String f = format == null || format.isBlank() ? "png" : format.trim().toLowerCase(Locale.ROOT);
        if (!f.equals("png") && !f.equals("npz")) {
            throw ProblemException.invalid("format", format, "png or npz");
        }
        GradientMaps.Method m = GradientMaps.Method.parse(method);
        Integer c = null;
        if (channel != null && !channel.isBlank()) {
            try {
                c = Integer.parseInt(channel.trim());
            } catch (NumberFormatException e) {
                throw ProblemException.invalid("channel", channel, "an integer (a channel index of the layer)");
            }
        }
        Uploads.Image img = uploads.imageOrDatasetImage(image, "image", datasets, dataset, imageId, "imageId");
        Uploads.Image ref = reference != null || (referenceId != null && !referenceId.isBlank())
                ? uploads.imageOrDatasetImage(reference, "reference", datasets, dataset, referenceId, "referenceId")
                : null;
        GradientMaps.Target target = new GradientMaps.Target(layer, c, ref == null ? null : ref.bytes(),
                ref == null ? null : ref.name());
        GradientMaps.Computed computed = maps.compute(img.bytes(), img.name(), model, target, m, camLayer);
        Response.ResponseBuilder out = f.equals("png")
                ? Response.ok(GradientMaps.picture(computed), "image/png")
                : Response.ok(GradientMaps.arrays(computed), NPZ)
                        .header("Content-Disposition", "attachment; filename=\"" + m.id() + ".npz\"");
        out.header("X-Gradient-Method", m.id()).header("X-Gradient-Objective", computed.objective());
        if (computed.camLayer() != null) {
            out.header("X-Gradient-Cam-Layer", computed.camLayer());
        }
        return out.build();
    }
}
