package org.convnetplayground.features.rest;

import org.convnetplayground.guard.ChangesNothing;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import org.convnetplayground.features.dataset.Dataset;
import org.convnetplayground.features.dataset.DatasetRegistry;
import org.convnetplayground.features.extraction.ChannelExamples;
import org.convnetplayground.features.extraction.ExtractionPlan;
import org.convnetplayground.features.extraction.FeatureExtractor;
import org.convnetplayground.features.inspection.ModelInspector;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.convnetplayground.vectors.Metric;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Looking inside models: predictions, activation maps, channel examples and occlusion maps. */
@Path("/")
@Tag(name = "inspection", description = "Predictions, activation maps, what excites a channel, and why two images are similar")
public class InspectionResource {

    private static final String PROBLEM = Problem.MEDIA_TYPE;
    private static final String IMAGE = "The image file; or give dataset and imageId instead.";
    private static final String DATASET = "With imageId: the dataset that holds the image.";
    private static final String IMAGE_ID = "Instead of `image`: the id of an image of `dataset` (its path, e.g. "
            + "'elephant/image_0001.jpg').";

    @Inject
    ModelInspector inspector;

    @Inject
    ChannelExamples channelExamples;

    @Inject
    FeatureExtractor extractor;

    @Inject
    DatasetRegistry datasets;

    @Inject
    Uploads uploads;

    /** Predictions for one image. */
    @Schema(name = "Predictions")
    public record PredictionsView(String model, List<ModelInspector.Prediction> predictions) {
    }

    /** Which channel's examples to find. */
    @Schema(name = "ChannelExamplesRequest")
    public record ChannelRequest(
            @Schema(required = true, examples = "caltech101-iconic200") String dataset,
            @Schema(required = true, examples = "mobilenet_v2_1.0_224") String model,
            @Schema(required = true, examples = "expanded_conv_6_project") String layer,
            @Schema(required = true, examples = "7") Integer channel,
            @Schema(description = "How many images, 1 to 100; 9 when absent.") Integer k) {
    }

    @POST
    @ChangesNothing
    @Path("predictions")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Predict ImageNet classes",
            description = "The k most probable of the classifier's classes for the uploaded image (softmax of its "
                    + "logits), most probable first. Only for models with a classifier head.")
    @APIResponse(responseCode = "200", description = "The predictions.")
    @APIResponse(responseCode = "400", description = "Bad image or k, or a model without classifier.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown model.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public PredictionsView predictions(@RestForm("image") @Schema(description = IMAGE) FileUpload image,
                                       @RestForm("dataset") @Schema(description = DATASET) String dataset,
                                       @RestForm("imageId") @Schema(description = IMAGE_ID) String imageId,
                                       @RestForm("model") String model,
                                       @RestForm("k") @Schema(description = "How many classes; 5 when absent.") String k) {
        require(model, "model", "a model id from /api/catalog/models");
        Uploads.Image img = uploads.imageOrDatasetImage(image, "image", datasets, dataset, imageId, "imageId");
        return new PredictionsView(model, inspector.predict(img.bytes(), img.name(), model, integer("k", k, 5)));
    }

    @POST
    @ChangesNothing
    @Path("activations")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({MediaType.APPLICATION_JSON, "image/png"})
    @Operation(summary = "Activation maps of a layer",
            description = "Runs the model on the uploaded image and returns the layer's channels, strongest (highest "
                    + "mean activation) first: as numbers (format=json, the default) or as one PNG (format=png) showing "
                    + "the `top` strongest channels' maps in a grid, row-major in the same order, each map scaled to its "
                    + "own range with the viridis colour map.")
    @APIResponse(responseCode = "200", description = "The channels (JSON) or their maps (PNG).",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelInspector.Activations.class)),
                @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary"))})
    @APIResponse(responseCode = "400", description = "Bad image, top or format, or a layer without maps.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown model or layer.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Response activations(@RestForm("image") @Schema(description = IMAGE) FileUpload image,
                                @RestForm("dataset") @Schema(description = DATASET) String dataset,
                                @RestForm("imageId") @Schema(description = IMAGE_ID) String imageId,
                                @RestForm("model") String model, @RestForm("layer") String layer,
                                @RestForm("top") @Schema(description = "Maps in the picture, 1 to 256; 16 when absent.") String top,
                                @RestForm("format") @Schema(description = "json (default) or png") String format) {
        require(model, "model", "a model id from /api/catalog/models");
        require(layer, "layer", "a layer from /api/catalog/models/{model}/layers");
        String f = format == null || format.isBlank() ? "json" : format.trim().toLowerCase(Locale.ROOT);
        int n = integer("top", top, 16);
        Uploads.Image img = uploads.imageOrDatasetImage(image, "image", datasets, dataset, imageId, "imageId");
        return switch (f) {
            case "json" -> Response.ok(inspector.activations(img.bytes(), img.name(), model, layer, n), MediaType.APPLICATION_JSON).build();
            case "png" -> Response.ok(inspector.activationPicture(img.bytes(), img.name(), model, layer, n), "image/png").build();
            default -> throw ProblemException.invalid("format", format, "json or png");
        };
    }

    @POST
    @ChangesNothing
    @Path("occlusion")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces("image/png")
    @Operation(summary = "Why an image is similar to another",
            description = "Slides a patch of the image's median colour over `image` (overlapping by half), embeds each occluded copy at the "
                    + "layer, and measures how much hiding each region increases the distance to `reference` under the "
                    + "metric. Returns a PNG the size of the image (at most 320 px) to lay over it: coloured and opaque "
                    + "where the region makes the two similar, transparent where it does not.")
    @APIResponse(responseCode = "200", description = "The occlusion map.",
            content = @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "400", description = "Bad image, metric or patch size.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown model or layer.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Response occlusion(@RestForm("image") @Schema(description = "The image to explain (a search hit); or give imageId.") FileUpload image,
                              @RestForm("reference") @Schema(description = "The image it is compared with (the query); or give referenceId.") FileUpload reference,
                              @RestForm("dataset") @Schema(description = "The dataset of imageId and referenceId.") String dataset,
                              @RestForm("imageId") @Schema(description = "Instead of `image`: the id of an image of `dataset`.") String imageId,
                              @RestForm("referenceId") @Schema(description = "Instead of `reference`: the id of an image of `dataset`.") String referenceId,
                              @RestForm("model") String model, @RestForm("layer") String layer,
                              @RestForm("metric") @Schema(description = "cosine when absent") String metric,
                              @RestForm("pooling") @Schema(description = "avg (default), max or flatten: as in the search being explained") String pooling,
                              @RestForm("p") @Schema(description = "minkowski exponent, >= 1; 3 when absent") String p,
                              @RestForm("patch") @Schema(description = "Patch edge as a fraction of the shorter side, 0.05 to 0.5; 0.2 when absent") String patch) {
        require(model, "model", "a model id from /api/catalog/models");
        require(layer, "layer", "a layer from /api/catalog/models/{model}/layers");
        Metric m = metric == null || metric.isBlank() ? Metric.COSINE : Metric.byName(metric).orElseThrow(() ->
                ProblemException.unknown("metric", metric, null, Metric.names(), null).withStatus(400, "Unknown metric"));
        double size = patch == null || patch.isBlank() ? 0.2 : number("patch", patch);
        double exponent = p == null || p.isBlank() ? 3 : number("p", p);
        if (!(exponent >= 1) || Double.isInfinite(exponent)) {
            throw ProblemException.invalid("p", p, "a finite number >= 1 (the minkowski exponent)");
        }
        Uploads.Image img = uploads.imageOrDatasetImage(image, "image", datasets, dataset, imageId, "imageId");
        Uploads.Image ref = uploads.imageOrDatasetImage(reference, "reference", datasets, dataset, referenceId,
                "referenceId");
        byte[] png = inspector.occlusion(img.bytes(), img.name(), ref.bytes(), ref.name(), model, layer, pooling, m,
                exponent, size);
        return Response.ok(png, "image/png").build();
    }

    @POST
    @ChangesNothing
    @Path("channel-examples")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ChannelRequest.class),
            examples = @ExampleObject(name = "nine photos for one channel", value = "{\"dataset\": \"caltech101-iconic200\", "
                    + "\"model\": \"mobilenet_v2_1.0_224\", \"layer\": \"expanded_conv_6_project\", \"channel\": 7, \"k\": 9}")))
    @Operation(summary = "What excites a channel",
            description = "The k images of the dataset with the highest mean activation for the channel, highest first, "
                    + "each with the box of its strongest response in its own pixels. The first request for a layer starts "
                    + "a job recording every channel over the dataset (202); afterwards any channel of that layer answers "
                    + "at once.")
    @APIResponse(responseCode = "200", description = "The examples.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChannelExamples.Examples.class)))
    @APIResponse(responseCode = "202", description = "The layer is being indexed over the dataset; poll `job`, then ask again.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Channel out of range, bad k, or a layer without channels.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, model or layer.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The JSON body is larger than cnp.features.max-json-body-size.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Response channelExamples(ChannelRequest r) {
        if (r == null) {
            throw ProblemException.missing("body", "a JSON object {dataset, model, layer, channel, k}");
        }
        require(r.dataset(), "dataset", "a dataset id from /api/features/datasets");
        require(r.layer(), "layer", "a layer from /api/catalog/models/{model}/layers");
        if (r.channel() == null) {
            throw ProblemException.missing("channel", "a channel index of the layer");
        }
        Dataset dataset = datasets.require(r.dataset());
        ExtractionPlan plan = extractor.plan(r.model(), List.of(r.layer()), "avg");
        ChannelExamples.Outcome outcome = channelExamples.examples(dataset, plan, r.channel(), r.k() == null ? 9 : r.k());
        if (outcome instanceof ChannelExamples.Ready ready) {
            return Response.ok(ready.examples()).build();
        }
        JobView view = JobView.of(((ChannelExamples.Pending) outcome).job());
        return Response.accepted(view).header("Location", view.job()).build();
    }

    @GET
    @Path("jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Poll any job of this service", description = "State and progress of an extraction or a channel indexing.")
    @APIResponse(responseCode = "200", description = "The job.")
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public JobView job(@PathParam("id") String id) {
        return JobView.of(extractor.jobs().find(id).orElseThrow(() -> ProblemException.notFound("no job '" + id
                + "'; jobs are kept for an hour after they end")));
    }

    private static void require(String value, String name, String expected) {
        if (value == null || value.isBlank()) {
            throw ProblemException.missing(name, expected);
        }
    }

    private static int integer(String name, String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid(name, value, "an integer");
        }
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid(name, value, "a number");
        }
    }
}
