package org.convnetplayground.search.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.search.background.Outcome;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionStore;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.duplicates.DuplicateService;
import org.convnetplayground.search.duplicates.Duplicates;
import org.convnetplayground.search.evaluation.Evaluation;
import org.convnetplayground.search.evaluation.EvaluationService;
import org.convnetplayground.search.leaderboard.Leaderboard;
import org.convnetplayground.search.leaderboard.LeaderboardService;
import org.convnetplayground.search.projection.Projection;
import org.convnetplayground.search.projection.ProjectionService;
import org.convnetplayground.search.query.QueryParameters;
import org.convnetplayground.vectors.Metric;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Which model, layer and metric work best, in numbers and pictures: retrieval evaluation, leaderboards, 2-D maps
 * and near-duplicates. Each answers 200 with the result, or 202 with the job to wait for (a collection build or
 * the computation itself); repeat the request once the job has succeeded.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "analysis", description = "Evaluation, leaderboards, embedding maps and near-duplicates of collections")
public class AnalysisResource {

    private static final String PENDING = "The collection is being built, or the result computed, as a job: poll its "
            + "`job` URL until it succeeds, then repeat the request.";

    @Inject
    EvaluationService evaluations;

    @Inject
    LeaderboardService leaderboards;

    @Inject
    ProjectionService projections;

    @Inject
    DuplicateService duplicates;

    @Inject
    CollectionStore store;

    @Inject
    SearchConfig config;

    /** An evaluation with the collection and metric it is about. */
    @Schema(name = "EvaluationResult")
    public record EvaluationView(
            CollectionView collection,
            String metric,
            @Schema(description = "The minkowski exponent, for minkowski only.") Double p,
            @Schema(description = "Labelled images used as queries (each against all the others).") int queries,
            @Schema(description = "Mean average precision.") double map,
            @Schema(description = "Mean precision among the first k hits, for k = 1, 5, 10, 20.") Map<String, Double> precisionAt,
            @Schema(description = "Mean share of the query's class found among the first k hits.") Map<String, Double> recallAt,
            @Schema(description = "Share of same-class images among the first 20 hits, hit r weighted 21 - r: the "
                    + "original playground's per-layer score.") double weightedShare,
            @Schema(description = "The same per query class.") Map<String, Evaluation.ClassScores> perClass,
            @Schema(description = "Seconds it took to compute.") double seconds,
            @Schema(description = "Present when the collection is large (cnp.search.evaluation-sample-above) and the "
                    + "queries were a fixed random sample of it: how many queries there would have been, and the 95% "
                    + "confidence interval of the mAP over all of them.") Evaluation.Sample sample) {
    }

    @GET
    @Path("evaluation")
    @Operation(summary = "Evaluate a collection under a metric",
            description = "Every labelled image in turn is the query (itself left out), the other images of its class "
                    + "are the relevant ones, ranked by exact distance (ties by row). Reports mean average precision, "
                    + "precision and recall at 1, 5, 10 and 20, the rank-weighted share of same-class hits, and the "
                    + "same per class. Computed once per collection version and metric.")
    @APIResponse(responseCode = "200", description = "The evaluation.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EvaluationView.class)))
    @APIResponse(responseCode = "202", description = PENDING,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Missing or invalid parameter.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, model or layer.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response evaluation(@QueryParam("dataset") String dataset, @QueryParam("model") String model,
                               @QueryParam("layer") String layer,
                               @Parameter(description = "cosine when absent") @QueryParam("metric") String metric,
                               @Parameter(description = "avg (default), max or flatten") @QueryParam("pooling") String pooling,
                               @Parameter(description = "minkowski exponent, 1 to 1000, default 3") @QueryParam("p") Double p)
            throws InterruptedException {
        QueryParameters q = QueryParameters.of(dataset, model, layer, pooling, metric, p, null, config);
        return respond(evaluations.evaluate(q), r -> {
            Evaluation e = r.evaluation();
            return Response.ok(new EvaluationView(CollectionView.of(r.collection()), q.metric().id(),
                    q.metric() == Metric.MINKOWSKI ? q.p() : null, e.queries(), e.map(), e.precisionAt(), e.recallAt(),
                    e.weightedShare(), e.perClass(), e.seconds(), e.sample())).build();
        });
    }

    @GET
    @Path("leaderboard")
    @Operation(summary = "Rank models, layers and metrics on a dataset",
            description = "Every feature layer of every chosen model (all models when none are named) under every "
                    + "chosen metric (cosine and euclidean when none are named), ranked by mean average precision. The "
                    + "first request starts a job that builds the missing collections - all feature layers of a model "
                    + "in one extraction pass - and evaluates each; later requests answer at once until a collection "
                    + "is rebuilt. Models are always listed simplest first and metrics in a fixed order, whatever the "
                    + "order of the request.")
    @APIResponse(responseCode = "200", description = "The leaderboard, best first.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Leaderboard.class)))
    @APIResponse(responseCode = "202", description = PENDING,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Missing dataset or unknown metric.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "204", description = "With start=false: nothing computed or being computed for this request.")
    @APIResponse(responseCode = "404", description = "Unknown dataset or model.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The model catalog or the feature-service is unavailable.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response leaderboard(@QueryParam("dataset") String dataset,
                                @Parameter(description = "Comma-separated model ids; all when absent") @QueryParam("models") String models,
                                @Parameter(description = "Comma-separated metrics; cosine,euclidean when absent") @QueryParam("metrics") String metrics,
                                @Parameter(description = "avg (default), max or flatten") @QueryParam("pooling") String pooling,
                                @Parameter(description = "false: answer a leaderboard already computed (200) or being computed (202), else 204; never start a job")
                                @QueryParam("start") @jakarta.ws.rs.DefaultValue("true") boolean start)
            throws InterruptedException {
        String pool = pooling == null || pooling.isBlank() ? "avg" : pooling.trim().toLowerCase(java.util.Locale.ROOT);
        if (!QueryParameters.POOLINGS.contains(pool)) {
            throw InvalidInputException.invalid("pooling", pooling, "one of " + QueryParameters.POOLINGS);
        }
        Optional<Outcome<Leaderboard>> outcome = leaderboards.leaderboard(dataset, list(models), list(metrics), pool, start);
        if (outcome.isEmpty()) {
            // only looking, and nothing computed or being computed
            return Response.noContent().build();
        }
        return respond(outcome.get(), board -> Response.ok(board).build());
    }

    @GET
    @Path("projection")
    @Operation(summary = "Map a collection to 2-D",
            description = "PCA (the two main axes, answered at once) or t-SNE (perplexity 30 on L2-normalised vectors; "
                    + "a job unless the sample is small). Collections larger than the sample limit are shown through a "
                    + "fixed random sample; `sampled` and `total` say how many.")
    @APIResponse(responseCode = "200", description = "One point per shown image.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Projection.class)))
    @APIResponse(responseCode = "202", description = PENDING,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Unknown method or bad sample size.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, model or layer.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response projection(@QueryParam("dataset") String dataset, @QueryParam("model") String model,
                               @QueryParam("layer") String layer,
                               @Parameter(description = "avg (default), max or flatten") @QueryParam("pooling") String pooling,
                               @Parameter(description = "pca (default) or tsne") @QueryParam("method") String method,
                               @Parameter(description = "Most points to show (3 to the configured limit, 2000 by default)")
                               @QueryParam("sample") Integer sample) throws InterruptedException {
        QueryParameters q = QueryParameters.of(dataset, model, layer, pooling, null, null, null, config);
        return respond(projections.project(q.key(), method, sample), projection -> Response.ok(projection).build());
    }

    @GET
    @Path("duplicates")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    @Operation(summary = "Find near-duplicate images",
            description = "Every pair of images closer than `threshold` under the metric, joined into groups. Without a "
                    + "threshold the metric's default is used: 0.15 of the collection's median pair distance for cosine, "
                    + "correlation and sqeuclidean, 0.39 (its square root) for the others - measured on Caltech-101 "
                    + "photos with planted copies under MobileNet v2's pooled embedding, where copies lie below 0.11 and "
                    + "distinct photos above 0.2 of the median cosine distance. A threshold may be at most the median "
                    + "pair distance (`maxThreshold`). Every pair below it is counted (`total`) and joins its group; "
                    + "`pairs` lists the closest `maxPairs` of them and says `truncated: true` when there are more. "
                    + "Large collections (those with an approximate index) are scanned with each image's nearest "
                    + "neighbours from the index, at most `neighbourCap` of them: an image with more close neighbours "
                    + "has the nearest counted, and when `imagesAtCap` is above 0 `total` is a lower bound. "
                    + "`format=csv` exports the groups as group,id,label rows.")
    @APIResponse(responseCode = "200", description = "The pairs and groups (JSON), or the groups as CSV.",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Duplicates.class)),
                @Content(mediaType = "text/csv", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING))})
    @APIResponse(responseCode = "202", description = PENDING,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Bad threshold (outside 0 to the median pair distance), maxPairs, "
            + "metric or format.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, model or layer.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response duplicates(@QueryParam("dataset") String dataset, @QueryParam("model") String model,
                               @QueryParam("layer") String layer,
                               @Parameter(description = "cosine when absent") @QueryParam("metric") String metric,
                               @Parameter(description = "avg (default), max or flatten") @QueryParam("pooling") String pooling,
                               @Parameter(description = "minkowski exponent, 1 to 1000, default 3") @QueryParam("p") Double p,
                               @Parameter(description = "Distance below which two images are duplicates, from 0 to the "
                                       + "collection's median pair distance (maxThreshold in the answer); the metric's "
                                       + "default when absent") @QueryParam("threshold") Double threshold,
                               @Parameter(description = "Most pairs to list, the closest first (1 to 100000 by default "
                                       + "configuration; 10000 when absent): all pairs are counted in `total` and "
                                       + "joined into `groups`") @QueryParam("maxPairs") Integer maxPairs,
                               @Parameter(description = "json (default) or csv") @QueryParam("format") String format)
            throws InterruptedException {
        String f = format == null || format.isBlank() ? "json" : format.trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("json", "csv").contains(f)) {
            throw InvalidInputException.invalid("format", format, "json or csv");
        }
        QueryParameters q = QueryParameters.of(dataset, model, layer, pooling, metric, p, null, config);
        return respond(duplicates.find(q, threshold, maxPairs), d -> duplicates(q, d, f));
    }

    private Response duplicates(QueryParameters q, Duplicates d, String f) {
        if (f.equals("json")) {
            return Response.ok(d, MediaType.APPLICATION_JSON).build();
        }
        String file = ("duplicates-" + q.key().dataset() + "-" + q.key().model() + "-" + q.key().layer() + "-"
                + q.metric().id() + "-" + String.format(java.util.Locale.ROOT, "%.4g", d.threshold()))
                .replaceAll("[^A-Za-z0-9._-]", "_") + ".csv";
        return Response.ok(csv(q.key(), d), "text/csv")
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
    }

    private String csv(CollectionKey key, Duplicates d) {
        var c = store.find(key).orElseThrow();
        StringBuilder out = new StringBuilder("group,id,label\n");
        for (int g = 0; g < d.groups().size(); g++) {
            for (String id : d.groups().get(g)) {
                String label = c.row(id).isPresent() ? c.item(c.row(id).getAsInt()).label() : null;
                out.append(g + 1).append(',').append(csvField(id)).append(',').append(csvField(label)).append('\n');
            }
        }
        return out.toString();
    }

    private static String csvField(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** 200 with what {@code ready} makes of the value, or 202 with the job to wait for. */
    private static <V> Response respond(Outcome<V> outcome, Function<V, Response> ready) {
        if (outcome instanceof Outcome.Ready<V> r) {
            return ready.apply(r.value());
        }
        return JobView.accepted(((Outcome.Pending<V>) outcome).job());
    }

    private static List<String> list(String commaSeparated) {
        return commaSeparated == null || commaSeparated.isBlank() ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
