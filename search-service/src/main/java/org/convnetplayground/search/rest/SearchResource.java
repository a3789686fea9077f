package org.convnetplayground.search.rest;

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
import org.convnetplayground.problem.Problem;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.index.SearchMode;
import org.convnetplayground.search.query.QueryParameters;
import org.convnetplayground.search.query.QueryService;
import org.convnetplayground.search.ranking.Similarity;
import org.convnetplayground.vectors.Metric;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Queries and metrics. Translates HTTP to {@link QueryService} calls. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "search", description = "Find the most similar images")
public class SearchResource {

    static final String METRICS_DOC = "Distances follow SciPy's scipy.spatial.distance.cdist: cosine, euclidean, "
            + "sqeuclidean, minkowski (p, default 3), cityblock (alias manhattan), chebyshev, correlation, canberra, "
            + "braycurtis. Each hit's similarity percentage is 100 * 2^(-d / m), m being the median distance between "
            + "two items of the collection under the same metric: an identical vector scores 100, a pair as far apart "
            + "as a typical pair of the collection 50, and the percentage never rises as the distance grows. Where "
            + "SciPy's distance is undefined or infinite (NaN: cosine of a zero vector, correlation of a constant one; "
            + "infinity: bray-curtis of u and -u) the hit ranks last with distance null and similarity 0. Distances are "
            + "finite for any finite float32 vectors wherever the true distance is (huge and tiny magnitudes are "
            + "rescaled, minkowski by its largest difference where its power sum would overflow); no answer holds "
            + "NaN or Infinity.";

    static final String MODE_DOC = "How to find the hits: exact (every item compared; every metric), approximate "
            + "(candidates from the collection's HNSW index, re-ranked exactly: cosine only, other metrics are answered "
            + "exactly and the answer says so in modeNote) or auto (the default: exact below the collection size where "
            + "the approximate index becomes faster, cnp.search.index.approximate-from, approximate above). Collections "
            + "smaller than that have no approximate index and always answer exactly. The answer's mode says which way "
            + "it was answered.";

    private static final String BUILDING = "The collection does not exist yet: it is being built (features are "
            + "extracted by the feature-service). The body is the job: wait for it at its `poll` URL (answered as soon "
            + "as it changes) or poll its `job` URL until it succeeds, then repeat the query. Meanwhile `partial` holds "
            + "the hits among the images stored so far (none until the first are), which repeating the query "
            + "refreshes.";

    @Inject
    QueryService queries;

    @Inject
    SearchConfig config;

    /** A query by an item of the collection. */
    @Schema(name = "QueryRequest")
    public record QueryRequest(
            @Schema(required = true, examples = "caltech101-iconic200") String dataset,
            @Schema(required = true, examples = "mobilenet_v2_1.0_224") String model,
            @Schema(required = true, examples = "global_pool") String layer,
            @Schema(description = "Distance metric; cosine when absent.", examples = "cosine") String metric,
            @Schema(description = "Hits wanted, 1 to 1000; 50 when absent.", examples = "50") Integer k,
            @Schema(required = true, description = "Id of the query image in the dataset.",
                    examples = "elephant/image_0001.jpg") String queryId,
            @Schema(description = "avg (default), max or flatten.") String pooling,
            @Schema(description = "Minkowski exponent, 1 to 1000; 3 when absent.") Double p,
            @Schema(description = MODE_DOC, enumeration = {"exact", "approximate", "auto"}) String mode) {
    }

    /** A query by a raw vector. */
    @Schema(name = "VectorQueryRequest")
    public record VectorQueryRequest(
            @Schema(required = true) String dataset,
            @Schema(required = true) String model,
            @Schema(required = true) String layer,
            String metric,
            Integer k,
            String pooling,
            Double p,
            @Schema(required = true, description = "The query vector; its length must equal the collection's dimension.")
            float[] vector,
            @Schema(description = MODE_DOC, enumeration = {"exact", "approximate", "auto"}) String mode) {
    }

    /** One metric, described. */
    @Schema(name = "MetricDescription")
    public record MetricDescription(String name, String distance, String similarity, List<String> parameters) {
    }

    @GET
    @Path("metrics")
    @Operation(summary = "List distance metrics", description = METRICS_DOC)
    @APIResponse(responseCode = "200", description = "Metric names, as SciPy spells them.")
    public List<String> metrics() {
        return Metric.names();
    }

    @GET
    @Path("metrics/{name}")
    @Operation(summary = "Describe a metric", description = "Its distance formula and how its similarity percentage is computed.")
    @APIResponse(responseCode = "200", description = "The metric.")
    @APIResponse(responseCode = "404", description = "Unknown metric; the problem lists them.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public MetricDescription metric(@Parameter(description = "Metric name") @PathParam("name") String name) {
        Metric m = Metric.byName(name).orElseThrow(() -> UnknownNameException.unknown("metric", name, null, Metric.names(),
                "/api/search/metrics"));
        return new MetricDescription(m.id(), m.formula(), Similarity.rule(m),
                m == Metric.MINKOWSKI ? List.of("p: exponent from 1 to 1000, default 3") : List.of());
    }

    @POST
    @ChangesNothing
    @Path("query")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = QueryRequest.class),
            examples = @ExampleObject(name = "50 nearest to a photo", value = "{\"dataset\": \"caltech101-iconic200\", "
                    + "\"model\": \"mobilenet_v2_1.0_224\", \"layer\": \"global_pool\", \"metric\": \"cosine\", "
                    + "\"k\": 50, \"queryId\": \"elephant/image_0001.jpg\"}")))
    @Operation(summary = "Find the images most similar to an image of the dataset",
            description = "Exact top-k of collection (dataset, model, layer, pooling) under the metric, the query "
                    + "image itself left out. " + METRICS_DOC)
    @APIResponse(responseCode = "200", description = "The hits, nearest first.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SearchResponse.class)))
    @APIResponse(responseCode = "202", description = BUILDING,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Missing or invalid field (k, metric, pooling, p).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, model, layer or image; the problem lists valid names.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "A service this query needs is unavailable.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response query(QueryRequest r) {
        if (r == null) {
            throw InvalidInputException.missing("body", "a JSON object {dataset, model, layer, metric, k, queryId}");
        }
        QueryParameters q = QueryParameters.of(r.dataset(), r.model(), r.layer(), r.pooling(), r.metric(), r.p(), r.k(), config);
        return respond(queries.byItem(q, r.queryId(), mode(r.mode())));
    }

    @POST
    @ChangesNothing
    @Path("query-image")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Find the images most similar to an uploaded image",
            description = "The feature-service embeds the upload with the collection's model, layer and pooling; "
                    + "then as /query. " + METRICS_DOC)
    @APIResponse(responseCode = "200", description = "The hits, nearest first.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SearchResponse.class)))
    @APIResponse(responseCode = "202", description = BUILDING + " Upload the image again then.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Missing, empty, corrupt or non-image upload; invalid field.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, model or layer.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Image too large.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not multipart/form-data.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response queryImage(@RestForm("image") @Schema(description = "The query image file.") FileUpload image,
                               @RestForm("dataset") String dataset,
                               @RestForm("model") String model,
                               @RestForm("layer") String layer,
                               @RestForm("metric") String metric,
                               @RestForm("k") String k,
                               @RestForm("pooling") String pooling,
                               @RestForm("p") String p,
                               @RestForm("mode") @Schema(description = MODE_DOC) String mode) {
        QueryParameters q = QueryParameters.of(dataset, model, layer, pooling, metric, number("p", p), integer("k", k), config);
        if (image == null) {
            throw InvalidInputException.missing("image", "a multipart file field 'image' holding an image");
        }
        String name = image.fileName() == null || image.fileName().isBlank() ? "upload" : image.fileName();
        return respond(queries.byUpload(q, image.uploadedFile(), name, mode(mode)));
    }

    @POST
    @ChangesNothing
    @Path("query-vector")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = VectorQueryRequest.class),
            examples = @ExampleObject(name = "a 3-d vector (for a 3-d collection)", value = "{\"dataset\": \"my-data\", "
                    + "\"model\": \"my-model\", \"layer\": \"embedding\", \"metric\": \"euclidean\", \"k\": 10, "
                    + "\"vector\": [0.12, 0.5, 0.03]}")))
    @Operation(summary = "Find the images nearest to a vector",
            description = "For programs that compute their own vectors. " + METRICS_DOC)
    @APIResponse(responseCode = "200", description = "The hits, nearest first.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SearchResponse.class)))
    @APIResponse(responseCode = "202", description = BUILDING,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Wrong dimension, non-finite values or invalid field.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, model or layer.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response queryVector(VectorQueryRequest r) {
        if (r == null) {
            throw InvalidInputException.missing("body", "a JSON object {dataset, model, layer, metric, k, vector}");
        }
        QueryParameters q = QueryParameters.of(r.dataset(), r.model(), r.layer(), r.pooling(), r.metric(), r.p(), r.k(), config);
        return respond(queries.byVector(q, r.vector(), mode(r.mode())));
    }

    private static Response respond(QueryService.Outcome outcome) {
        if (outcome instanceof QueryService.Results results) {
            return Response.ok(SearchResponse.of(results)).build();
        }
        QueryService.Building building = (QueryService.Building) outcome;
        return JobView.accepted(building.job(), building.partial());
    }

    private static SearchMode mode(String value) {
        if (value == null || value.isBlank()) {
            return SearchMode.AUTO;
        }
        return SearchMode.byName(value).orElseThrow(() -> InvalidInputException.invalid("mode", value,
                "one of " + SearchMode.names()));
    }

    private static Integer integer(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw InvalidInputException.invalid(name, value, "an integer");
        }
    }

    private static Double number(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw InvalidInputException.invalid(name, value, "a number");
        }
    }
}
