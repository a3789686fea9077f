package org.convnetplayground.search.rest.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.problem.DomainProblems;
import org.convnetplayground.problem.Problem;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.client.api.ClientMultipartForm;

/**
 * The feature-service endpoints the search-service calls, and the one place that reads their HTTP statuses:
 * everything else reaches the feature-service through {@link org.convnetplayground.search.features.FeatureService},
 * which sees its answers and failures as domain values.
 */
@RegisterRestClient(configKey = "features")
@Path("/api/features")
public interface FeatureServiceApi {

    @GET
    @Path("/datasets")
    List<Map<String, Object>> datasets();

    @GET
    @Path("/datasets/{dataset}")
    Map<String, Object> dataset(@PathParam("dataset") String dataset);

    @GET
    @Path("/datasets/{dataset}/images")
    ImagePage images(@PathParam("dataset") String dataset, @QueryParam("offset") int offset, @QueryParam("limit") int limit);

    record ImagePage(int total, int offset, int limit, List<Item> items) {
    }

    /** 200 when the dataset has this image; {@code image} must be URL-encoded per path segment. */
    @HEAD
    @Path("/datasets/{dataset}/images/{image}")
    Response imageHead(@PathParam("dataset") String dataset, @PathParam("image") @Encoded String image);

    /**
     * Whether {@code dataset} has the image {@code imageId} (a path such as {@code elephant/image_0001.jpg}), asked
     * with a HEAD request: its answer has no body to carry a problem, so the status is all there is to read. A
     * client error (404, or 400 for an id that cannot name a file, such as one with dot segments) means no such
     * image; the client throws those as exceptions, whatever the return type.
     */
    static boolean hasImage(FeatureServiceApi api, String dataset, String imageId) {
        String encoded = Arrays.stream(imageId.split("/", -1))
                .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
        try (Response r = api.imageHead(dataset, encoded)) {
            return r.getStatus() == Response.Status.OK.getStatusCode();
        } catch (WebApplicationException e) {
            // the REST client raises client errors even for a method answering Response: a 404, or a 400 for an id
            // that cannot name a file (dot segments), means "no such image"
            int status = e.getResponse().getStatus();
            if (status == Response.Status.NOT_FOUND.getStatusCode()
                    || status == Response.Status.BAD_REQUEST.getStatusCode()) {
                return false;
            }
            throw e;
        }
    }

    @POST
    @Path("/extractions")
    @Consumes(MediaType.APPLICATION_JSON)
    ExtractionJob startExtraction(ExtractionRequest request);

    @GET
    @Path("/extractions/{id}")
    ExtractionJob extraction(@PathParam("id") String id);

    @GET
    @Path("/extractions/{id}/vectors")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    InputStream vectors(@PathParam("id") String id, @QueryParam("layer") String layer);

    /** Rows {@code from .. from + count - 1} of a layer, once written (the extraction may still be running). */
    @GET
    @Path("/extractions/{id}/vectors")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    InputStream vectorRows(@PathParam("id") String id, @QueryParam("layer") String layer, @QueryParam("from") int from,
                           @QueryParam("count") int count);

    /**
     * The rows written from {@code from} on (at most {@code limit}), answered as soon as there are some or the
     * extraction has ended, at the latest after {@code wait} milliseconds.
     */
    @GET
    @Path("/extractions/{id}/rows")
    ExtractionRows rows(@PathParam("id") String id, @QueryParam("from") int from, @QueryParam("limit") int limit,
                        @QueryParam("wait") long wait);

    @DELETE
    @Path("/extractions/{id}")
    void deleteExtraction(@PathParam("id") String id);

    @POST
    @Path("/embeddings")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    Embedding embed(ClientMultipartForm form);

    record ExtractionRequest(String dataset, String model, List<String> layers, String pooling, List<String> images) {
    }

    record ExtractionJob(String id, String state, double progress, long done, long total, String message,
                         Problem error, java.time.Instant createdAt, java.time.Instant startedAt,
                         java.time.Instant finishedAt, ExtractionResult result) {
    }

    /** An extraction's rows from {@code from} on, and its state (see the feature-service's ExtractionRows). */
    record ExtractionRows(String id, String state, long done, long total, String message, Problem error, int from,
                          int rows, List<Item> items, List<LayerVectors> layers) {

        public boolean ended() {
            return !"queued".equals(state) && !"running".equals(state);
        }

        /**
         * Why the extraction failed, as the domain failure the feature-service's problem stands for (same words,
         * same sort); null when it did not fail or did not say why.
         */
        public DomainException failure() {
            return error == null ? null : DomainProblems.exceptionOf(error);
        }
    }

    record ExtractionResult(String dataset, String datasetVersion, String model, String modelSha256, String pooling,
                            List<LayerVectors> layers, List<Item> items, List<Skipped> skipped,
                            double imagesPerSecond, double modelLoadSeconds) {
    }

    record LayerVectors(String name, int dimension) {
    }

    record Item(String id, String label) {
    }

    record Skipped(String id, String reason) {
    }

    record Embedding(String model, String pooling, Map<String, Object> preprocessing, List<LayerVector> layers) {
    }

    record LayerVector(String name, int dimension, float[] vector) {
    }
}
