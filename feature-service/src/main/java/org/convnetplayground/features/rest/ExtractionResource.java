package org.convnetplayground.features.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.convnetplayground.features.dataset.Dataset;
import org.convnetplayground.features.dataset.DatasetRegistry;
import org.convnetplayground.features.extraction.ExtractionPlan;
import org.convnetplayground.features.extraction.ExtractionResult;
import org.convnetplayground.features.extraction.ExtractionRows;
import org.convnetplayground.features.extraction.FeatureExtractor;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobState;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.PathPart;

/** Extraction jobs over whole datasets. Translates HTTP to {@link FeatureExtractor} calls. */
@Path("/extractions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "extractions", description = "Run a model over a whole dataset as a job; fetch the vectors per layer")
public class ExtractionResource {

    /** The longest a request for rows waits for new ones: short enough for any proxy's read timeout. */
    static final long MAX_WAIT_MS = 10_000;
    /** Rows listed per answer unless asked otherwise, and the most: bounds one answer's JSON. */
    static final int DEFAULT_ROWS = 10_000;
    static final int MAX_ROWS = 100_000;

    @Inject
    FeatureExtractor extractor;

    @Inject
    DatasetRegistry datasets;

    /** What to extract. */
    @Schema(name = "ExtractionRequest")
    public record ExtractionRequest(
            @Schema(description = "Dataset id.", examples = "caltech101-iconic200", required = true) String dataset,
            @Schema(description = "Model id.", examples = "mobilenet_v2_1.0_224", required = true) String model,
            @Schema(description = "Layers to extract in one forward pass; the model's embedding layer when empty.",
                    examples = "[\"global_pool\"]") List<String> layers,
            @Schema(description = "How spatial outputs become vectors: avg (default), max or flatten.",
                    enumeration = {"avg", "max", "flatten"}) String pooling,
            @Schema(description = "Only these images of the dataset (ids); every image when absent. For bringing a "
                    + "collection up to date after images were added.") List<String> images) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ExtractionRequest.class),
            examples = @ExampleObject(name = "two layers in one pass", value = "{\"dataset\": \"caltech101-iconic200\", "
                    + "\"model\": \"mobilenet_v2_1.0_224\", \"layers\": [\"Conv2d_0\", \"global_pool\"], \"pooling\": \"avg\"}")))
    @Operation(summary = "Start an extraction job",
            description = "Runs the model over every image of the dataset, all requested layers in one forward pass "
                    + "per batch, and pools each layer's output to one vector per image. Answers 202 with the job; "
                    + "an identical job already running is returned instead of starting another. Images that cannot "
                    + "be decoded are skipped and listed in the result.")
    @APIResponse(responseCode = "202", description = "The job, to poll at its `job` URL.")
    @APIResponse(responseCode = "400", description = "Bad pooling, or a layer that cannot be pooled.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, model or layer; the problem lists the valid names.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The JSON body is larger than cnp.features.max-json-body-size.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The model catalog is unavailable.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response start(ExtractionRequest request) {
        if (request == null) {
            throw ProblemException.missing("body", "a JSON object {dataset, model, layers, pooling}");
        }
        if (request.dataset() == null || request.dataset().isBlank()) {
            throw ProblemException.missing("dataset", "a dataset id from /api/features/datasets");
        }
        Dataset dataset = datasets.require(request.dataset());
        if (request.images() != null) {
            dataset = dataset.only(request.images(), datasets);
        }
        ExtractionPlan plan = extractor.plan(request.model(), request.layers(), request.pooling());
        Job<ExtractionResult> job = extractor.submit(dataset, plan);
        JobView view = JobView.of(job);
        return Response.accepted(view).header("Location", view.job()).build();
    }

    @GET
    @Operation(summary = "List recent extraction jobs", description = "Jobs are remembered for an hour after they end.")
    @APIResponse(responseCode = "200", description = "The jobs, newest first.")
    public List<JobView> list() {
        return extractor.jobs().list().stream().map(JobView::of).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Poll an extraction job", description = "State, progress and, once succeeded, the result.")
    @APIResponse(responseCode = "200", description = "The job.")
    @APIResponse(responseCode = "404", description = "No such job (or it ended more than an hour ago).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JobView get(@Parameter(description = "Job id") @PathParam("id") String id) {
        return JobView.of(require(id));
    }

    @GET
    @Path("/{id}/rows")
    @Operation(summary = "Take an extraction's rows as they are written",
            description = "The images of the rows written so far from row `from` on, with the job's state: for "
                    + "clients that store vectors while the extraction runs. With `wait`, answers as soon as there "
                    + "are rows beyond `from` or the job has ended, at the latest after `wait` milliseconds "
                    + "(long-poll; at most " + MAX_WAIT_MS + "). Rows keep the order of the final result's `items`; "
                    + "images that cannot be used get no row.")
    @APIResponse(responseCode = "200", description = "The rows from `from` on (perhaps none yet) and the job's state.")
    @APIResponse(responseCode = "400", description = "Negative from or wait, or limit out of range.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<RowsView> rows(
            @Parameter(description = "Job id") @PathParam("id") String id,
            @Parameter(description = "The first row wanted; 0 when absent.") @QueryParam("from") Integer from,
            @Parameter(description = "Most rows listed, 1 to " + MAX_ROWS + "; " + DEFAULT_ROWS + " when absent.")
            @QueryParam("limit") Integer limit,
            @Parameter(description = "Milliseconds to wait for rows beyond from (long-poll), 0 to " + MAX_WAIT_MS
                    + " (larger values wait " + MAX_WAIT_MS + "); 0 when absent.") @QueryParam("wait") Long wait) {
        Job<?> job = require(id);
        int start = from == null ? 0 : from;
        if (start < 0) {
            throw ProblemException.invalid("from", from, "a row number, 0 or more");
        }
        int max = limit == null ? DEFAULT_ROWS : limit;
        if (max < 1 || max > MAX_ROWS) {
            throw ProblemException.invalid("limit", limit, "an integer from 1 to " + MAX_ROWS);
        }
        long waitMs = wait == null ? 0 : wait;
        if (waitMs < 0) {
            throw ProblemException.invalid("wait", wait, "milliseconds from 0 to " + MAX_WAIT_MS);
        }
        return extractor.rowsAfter(job, start, Duration.ofMillis(Math.min(waitMs, MAX_WAIT_MS)))
                .thenApply(v -> RowsView.of(job, extractor.rows(id).orElse(null), start, max));
    }

    @GET
    @Path("/{id}/vectors")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Fetch one layer's vectors",
            description = "float32 little-endian, row-major: one row of `dimension` values per item, in the order of "
                    + "the result's `items`. Headers X-Vector-Count and X-Vector-Dimension give the shape. Without "
                    + "`from` and `count`, every row of a job that has succeeded; with them, rows `from` to "
                    + "`from + count - 1` of a job that may still be running, once written (see the rows endpoint; "
                    + "X-Vector-From gives the first row).")
    @APIResponse(responseCode = "200", description = "The vectors.",
            content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM,
                    schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "400", description = "Missing layer; negative from or count.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such job or layer.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The job has not succeeded (whole layer), or the rows asked "
            + "for are not written (yet, or any more: the job failed or was cancelled).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response vectors(@Parameter(description = "Job id") @PathParam("id") String id,
                            @Parameter(description = "Layer name", required = true) @QueryParam("layer") String layer,
                            @Parameter(description = "The first row; with count, rows of a running job.")
                            @QueryParam("from") Integer from,
                            @Parameter(description = "Rows wanted from `from` on; every row written from there when "
                                    + "absent.") @QueryParam("count") Integer count) {
        Job<?> job = require(id);
        if (from == null && count == null) {
            return wholeLayer(id, job, layer);
        }
        int start = from == null ? 0 : from;
        if (start < 0) {
            throw ProblemException.invalid("from", from, "a row number, 0 or more");
        }
        if (count != null && count < 0) {
            throw ProblemException.invalid("count", count, "a number of rows, 0 or more");
        }
        ExtractionRows written = extractor.rows(id).orElseThrow(() -> ProblemException.conflict("extraction " + id
                + " is " + job.state().id() + " and has no rows to fetch"
                + (job.state().isFinal() ? "" : " yet; ask its rows endpoint to wait for them")));
        if (layer == null || layer.isBlank()) {
            throw ProblemException.missing("layer", "one of " + written.layers().stream()
                    .map(ExtractionResult.LayerVectors::name).toList());
        }
        java.nio.file.Path file = extractor.vectorsFile(id, written.layers(), layer);
        int rows = written.size();
        int n = count == null ? Math.max(0, rows - start) : count;
        if ((long) start + n > rows) {
            throw ProblemException.conflict("extraction " + id + " has written rows 0 to " + (rows - 1) + " so far; rows "
                    + start + " to " + ((long) start + n - 1) + " are not written yet");
        }
        int dim = written.layers().stream().filter(l -> l.name().equals(layer)).findFirst().orElseThrow().dimension();
        long rowBytes = (long) dim * Float.BYTES;
        return Response.ok(new PathPart(file, start * rowBytes, n * rowBytes), MediaType.APPLICATION_OCTET_STREAM)
                .header("X-Vector-From", start)
                .header("X-Vector-Count", n)
                .header("X-Vector-Dimension", dim)
                .build();
    }

    private Response wholeLayer(String id, Job<?> job, String layer) {
        if (job.state() != JobState.SUCCEEDED) {
            throw ProblemException.conflict("extraction " + id + " is " + job.state().id() + "; vectors are available once it has succeeded");
        }
        ExtractionResult result = (ExtractionResult) job.result().orElseThrow();
        if (layer == null || layer.isBlank()) {
            throw ProblemException.missing("layer", "one of " + result.layers().stream()
                    .map(ExtractionResult.LayerVectors::name).toList());
        }
        java.nio.file.Path file = extractor.vectorsFile(id, result, layer);
        int dim = result.layers().stream().filter(l -> l.name().equals(layer)).findFirst().orElseThrow().dimension();
        return Response.ok(file.toFile(), MediaType.APPLICATION_OCTET_STREAM)
                .header("X-Vector-Count", result.items().size())
                .header("X-Vector-Dimension", dim)
                .build();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel or forget an extraction job",
            description = "A running job is cancelled (its partial files are removed when it stops); a finished one "
                    + "is forgotten together with its vectors.")
    @APIResponse(responseCode = "204", description = "Cancelled (if running) and forgotten with its vectors.")
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public void delete(@Parameter(description = "Job id") @PathParam("id") String id) {
        require(id);
        extractor.delete(id);
    }

    private Job<?> require(String id) {
        return extractor.job(id).orElseThrow(() -> ProblemException.notFound("no extraction job '" + id
                + "'; jobs are kept for an hour after they end (list them at /api/features/extractions)"));
    }
}
