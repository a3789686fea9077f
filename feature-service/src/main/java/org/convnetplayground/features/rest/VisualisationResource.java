package org.convnetplayground.features.rest;

import org.convnetplayground.guard.ChangesNothing;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.convnetplayground.features.visualisation.Visualisations;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobState;
import org.convnetplayground.jobs.JobStatus;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Feature visualisation: what a channel draws, one channel or a layer's grid, as jobs. */
@Path("/visualisations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "visualisation", description = "What a channel draws: images optimised to excite it (feature visualisation)")
public class VisualisationResource {

    private static final String PROBLEM = Problem.MEDIA_TYPE;
    private static final String BASE = "/api/features/visualisations/";

    @Inject
    Visualisations visualisations;

    /** Which channel to draw. */
    @Schema(name = "VisualisationRequest")
    public record VisualisationRequest(
            @Schema(required = true, description = "Model id.", examples = "mobilenet_v2_1.0_224") String model,
            @Schema(required = true, description = "Layer (tensor) name.", examples = "expanded_conv_6_project") String layer,
            @Schema(required = true, description = "Channel index, from 0 to the layer's channels - 1.", examples = "7")
            Integer channel,
            @Schema(description = "Optimisation steps, 1 to cnp.features.gradients.max-steps (1024); 256 when absent.",
                    examples = "256") Integer steps,
            @Schema(description = "Random seed of the initial image and the random views; 0 when absent.", examples = "0")
            Long seed) {
    }

    /** Which channels of a layer to draw as a grid. */
    @Schema(name = "VisualisationOverviewRequest")
    public record OverviewRequest(
            @Schema(required = true, description = "Model id.", examples = "mobilenet_v2_1.0_224") String model,
            @Schema(required = true, description = "Layer name.", examples = "expanded_conv_6_project") String layer,
            @Schema(description = "These channels, in this order (e.g. the strongest ones for an image, from "
                    + "/api/features/activations); at most cnp.features.gradients.max-overview-channels (64).",
                    examples = "[7, 3, 12]") List<Integer> channels,
            @Schema(description = "Instead of channels: the first N channels; 16 (or all, if fewer) when neither is given.",
                    examples = "16") Integer first,
            @Schema(description = "Optimisation steps per picture; 256 when absent.") Integer steps,
            @Schema(description = "Random seed; 0 when absent.") Long seed) {
    }

    /** A visualisation job as clients poll it. */
    @Schema(name = "VisualisationJob")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VisualisationJobView(
            @Schema(description = "Job id.") String id,
            @Schema(description = "URL to poll (GET) or cancel (DELETE) the job.") String job,
            @Schema(description = "queued, running, succeeded, failed or cancelled.",
                    enumeration = {"queued", "running", "succeeded", "failed", "cancelled"}) JobState state,
            @Schema(description = "Fraction done, 0 to 1.") double progress,
            @Schema(description = "Optimisation steps done.") long done,
            @Schema(description = "Optimisation steps in all.") long total,
            @Schema(description = "What the job is doing now, or why it ended.") String message,
            @Schema(description = "Why it failed.") Problem error,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt,
            @Schema(description = "URL of a PNG of the image so far (every 16 steps), once there is one.") String preview,
            @Schema(description = "Present when the job succeeded.") Visualisations.Visualisation result) {

        static VisualisationJobView of(Job<?> job, boolean hasPreview) {
            JobStatus s = job.status();
            Visualisations.Visualisation result = s.state() == JobState.SUCCEEDED
                    ? job.result().map(Visualisations.Visualisation.class::cast).orElse(null) : null;
            String preview = hasPreview || result != null ? BASE + s.id() + "/preview" : null;
            return new VisualisationJobView(s.id(), BASE + s.id(), s.state(), s.progress(), s.done(), s.total(),
                    s.message(), s.error(), s.createdAt(), s.startedAt(), s.finishedAt(), preview, result);
        }
    }

    /** An overview job: its result fills in as channels finish. */
    @Schema(name = "VisualisationOverviewJob")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OverviewJobView(
            @Schema(description = "Job id.") String id,
            @Schema(description = "URL to poll (GET) or cancel (DELETE) the job.") String job,
            @Schema(description = "queued, running, succeeded, failed or cancelled.",
                    enumeration = {"queued", "running", "succeeded", "failed", "cancelled"}) JobState state,
            @Schema(description = "Fraction done, 0 to 1.") double progress,
            @Schema(description = "Optimisation steps done, over all channels.") long done,
            @Schema(description = "Optimisation steps in all.") long total,
            @Schema(description = "What the job is doing now, or why it ended.") String message,
            @Schema(description = "Why it failed.") Problem error,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt,
            @Schema(description = "Every channel asked for, with its picture once drawn; present from the start.")
            Visualisations.Overview result) {

        static OverviewJobView of(Job<?> job, Visualisations.Overview soFar) {
            JobStatus s = job.status();
            Visualisations.Overview result = s.state() == JobState.SUCCEEDED
                    ? job.result().map(Visualisations.Overview.class::cast).orElse(soFar) : soFar;
            return new OverviewJobView(s.id(), BASE + "overview/" + s.id(), s.state(), s.progress(), s.done(), s.total(),
                    s.message(), s.error(), s.createdAt(), s.startedAt(), s.finishedAt(), result);
        }
    }

    @POST
    @ChangesNothing
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = VisualisationRequest.class),
            examples = @ExampleObject(name = "one channel", value = "{\"model\": \"mobilenet_v2_1.0_224\", "
                    + "\"layer\": \"expanded_conv_6_project\", \"channel\": 7}")))
    @Operation(summary = "Draw what a channel responds to",
            description = "Starts a job that optimises an image to excite the channel's mean activation (gradient "
                    + "ascent through a generated backward graph, Lucid's decorrelated Fourier-space image with random "
                    + "jitter, scale and rotation at each step, Adam, fixed seed). Poll the job: `preview` shows the "
                    + "image so far; once it has succeeded `result.image` is the URL of the PNG at the model's input "
                    + "size. Pictures are cached by (model file, layer, channel, steps, seed): asking again answers "
                    + "at once. The same request while a job draws it returns that job. A model with an operator "
                    + "that has no gradient rule fails the job; its `error` (status 400) names the operator and node.")
    @APIResponse(responseCode = "202", description = "The job, to poll at its `job` URL.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VisualisationJobView.class)))
    @APIResponse(responseCode = "400", description = "Channel or steps out of range (the problem names the range), or "
            + "a layer without channels.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown model or layer; the problem lists the choices.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Response start(VisualisationRequest r) {
        if (r == null) {
            throw ProblemException.missing("body", "a JSON object {model, layer, channel, steps?, seed?}");
        }
        Visualisations.Request checked = visualisations.check(r.model(), r.layer(), r.steps(), r.seed());
        Job<Visualisations.Visualisation> job = visualisations.submit(checked, visualisations.channel(checked, r.channel()));
        VisualisationJobView view = VisualisationJobView.of(job, visualisations.preview(job.id()).isPresent());
        return Response.accepted(view).header("Location", view.job()).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Poll a visualisation job", description = "State, progress, the image so far and, once "
            + "succeeded, the result.")
    @APIResponse(responseCode = "200", description = "The job.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VisualisationJobView.class)))
    @APIResponse(responseCode = "404", description = "No such job (or it ended more than an hour ago).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public VisualisationJobView get(@Parameter(description = "Job id") @PathParam("id") String id) {
        Job<?> job = single(id);
        return VisualisationJobView.of(job, visualisations.preview(id).isPresent());
    }

    @GET
    @Path("/{id}/preview")
    @Produces("image/png")
    @Operation(summary = "The image so far", description = "A PNG of the job's current image, at the model's input "
            + "size, updated every 16 steps; the final picture once the job has succeeded.")
    @APIResponse(responseCode = "200", description = "The image.",
            content = @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "404", description = "No such job, or no image yet.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Response preview(@Parameter(description = "Job id") @PathParam("id") String id) {
        Job<?> job = single(id);
        byte[] png = visualisations.preview(id).orElse(null);
        if (png != null) {
            return Response.ok(png, "image/png").build();
        }
        if (job.state() == JobState.SUCCEEDED) {
            Visualisations.Visualisation v = (Visualisations.Visualisation) job.result().orElseThrow();
            String file = v.image().substring(v.image().lastIndexOf('/') + 1);
            return Response.ok(visualisations.image(file.substring(0, file.length() - ".png".length())).toFile(),
                    "image/png").build();
        }
        throw ProblemException.notFound("visualisation job '" + id + "' has no image yet; it is " + job.state().id());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a visualisation job", description = "A queued or running job stops within one "
            + "optimisation step and ends cancelled; nothing is cached for it. A finished job is left as it is.")
    @APIResponse(responseCode = "204", description = "Asked to stop (it stops within one step).")
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public void cancel(@Parameter(description = "Job id") @PathParam("id") String id) {
        single(id);
        visualisations.cancel(id);
    }

    @GET
    @Path("/images/{file}")
    @Produces("image/png")
    @Operation(summary = "A drawn picture", description = "The PNG a visualisation job's `result.image` points to.")
    @APIResponse(responseCode = "200", description = "The picture.",
            content = @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "404", description = "No such picture.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Response image(@Parameter(description = "The picture's id followed by .png") @PathParam("file") String file) {
        String id = file.endsWith(".png") ? file.substring(0, file.length() - 4) : file;
        return Response.ok(visualisations.image(id).toFile(), "image/png")
                .header("Cache-Control", "public, max-age=31536000, immutable").build();
    }

    @POST
    @ChangesNothing
    @Path("/overview")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = OverviewRequest.class),
            examples = {@ExampleObject(name = "first 16 channels", value = "{\"model\": \"mobilenet_v2_1.0_224\", "
                    + "\"layer\": \"expanded_conv_6_project\", \"first\": 16}"),
                @ExampleObject(name = "chosen channels", value = "{\"model\": \"mobilenet_v2_1.0_224\", "
                    + "\"layer\": \"expanded_conv_6_project\", \"channels\": [7, 3, 12]}")}))
    @Operation(summary = "Draw a layer's channels as a grid",
            description = "Starts a job that draws the given channels (or the first N) one after the other, in the "
                    + "background; its `result` lists every channel from the start and fills in `image` as each "
                    + "finishes, so a client can show the grid filling in by polling. Cached pictures fill in at once. "
                    + "Overviews run on their own worker, beside single-channel jobs.")
    @APIResponse(responseCode = "202", description = "The job, to poll at its `job` URL.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OverviewJobView.class)))
    @APIResponse(responseCode = "400", description = "A channel, first or steps out of range (named with the range), "
            + "or both channels and first.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown model or layer.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Response overview(OverviewRequest r) {
        if (r == null) {
            throw ProblemException.missing("body", "a JSON object {model, layer, channels | first, steps?, seed?}");
        }
        Visualisations.Request checked = visualisations.check(r.model(), r.layer(), r.steps(), r.seed());
        Job<Visualisations.Overview> job = visualisations.overview(checked, r.channels(), r.first());
        OverviewJobView view = OverviewJobView.of(job, visualisations.overviewSoFar(job.id()).orElse(null));
        return Response.accepted(view).header("Location", view.job()).build();
    }

    @GET
    @Path("/overview/{id}")
    @Operation(summary = "Poll an overview job", description = "State, progress and the channels drawn so far.")
    @APIResponse(responseCode = "200", description = "The job.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OverviewJobView.class)))
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public OverviewJobView overviewJob(@Parameter(description = "Job id") @PathParam("id") String id) {
        Job<?> job = visualisations.overviewJob(id).orElseThrow(() -> ProblemException.notFound("no overview job '" + id
                + "'; jobs are kept for an hour after they end"));
        return OverviewJobView.of(job, visualisations.overviewSoFar(id).orElse(null));
    }

    @DELETE
    @Path("/overview/{id}")
    @Operation(summary = "Cancel an overview job", description = "Pictures already drawn stay cached.")
    @APIResponse(responseCode = "204", description = "Asked to stop.")
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public void cancelOverview(@Parameter(description = "Job id") @PathParam("id") String id) {
        visualisations.overviewJob(id).orElseThrow(() -> ProblemException.notFound("no overview job '" + id + "'"));
        visualisations.cancel(id);
    }

    private Job<?> single(String id) {
        return visualisations.job(id).orElseThrow(() -> ProblemException.notFound("no visualisation job '" + id
                + "'; jobs are kept for an hour after they end"));
    }
}
