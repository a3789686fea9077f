package org.convnetplayground.search.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.CollectionStore;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.query.QueryParameters;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Stored collections: list, inspect, build, delete. Translates HTTP to store and builder calls. */
@Path("/collections")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "collections", description = "Vector collections, one per dataset x model x layer x pooling")
public class CollectionResource {

    @Inject
    CollectionStore store;

    @Inject
    CollectionBuilder builder;

    @Inject
    SearchConfig config;

    /** The vector of one item. */
    @Schema(name = "StoredVector")
    public record StoredVector(String id, String label, float[] vector) {
    }

    /** Collections to build in one extraction pass. */
    @Schema(name = "BuildRequest")
    public record BuildRequest(
            @Schema(required = true) String dataset,
            @Schema(required = true) String model,
            @Schema(required = true, description = "Layers to build, all extracted in one forward pass per image.") List<String> layers,
            @Schema(description = "avg (default), max or flatten.") String pooling) {
    }

    @GET
    @Operation(summary = "List collections",
            description = "Every stored collection with its size, dimension and the dataset and model versions it was built from.")
    @APIResponse(responseCode = "200", description = "Every stored collection.")
    public List<CollectionView> list() {
        return store.list().stream().map(CollectionView::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = BuildRequest.class),
            examples = @ExampleObject(name = "three layers of one model", value = "{\"dataset\": \"caltech101-iconic200\", "
                    + "\"model\": \"squeezenet1.1\", \"layers\": [\"conv1\", \"fire5\", \"fire9\"]}")))
    @Operation(summary = "Build collections",
            description = "Extracts the given layers of a model over a dataset in one pass and stores one collection "
                    + "per layer, replacing existing ones once complete. Answers 202 with the job.")
    @APIResponse(responseCode = "202", description = "The build job.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Missing or invalid field.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, model or layer.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response build(BuildRequest r) {
        if (r == null || r.layers() == null || r.layers().isEmpty()) {
            throw InvalidInputException.missing("layers", "a non-empty array of layer names");
        }
        QueryParameters q = QueryParameters.of(r.dataset(), r.model(), r.layers().get(0), r.pooling(), null, null, null,
                config);
        return JobView.accepted(builder.build(q.key().dataset(), q.key().model(), List.copyOf(r.layers()), q.key().pooling()));
    }

    @GET
    @Path("/{dataset}/{model}/{layer}")
    @Operation(summary = "Describe a collection",
            description = "Size, dimension, the dataset version and model checksum it was built from, and when.")
    @APIResponse(responseCode = "200", description = "The collection.")
    @APIResponse(responseCode = "404", description = "No such collection; the problem lists the stored ones.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CollectionView get(@PathParam("dataset") String dataset, @PathParam("model") String model,
                              @PathParam("layer") String layer,
                              @Parameter(description = "avg (default), max or flatten") @QueryParam("pooling") String pooling) {
        return CollectionView.of(requireMeta(key(dataset, model, layer, pooling)));
    }

    @GET
    @Path("/{dataset}/{model}/{layer}/vectors/{id: .+}")
    @Operation(summary = "Fetch the stored vector of one item", description = "The rest of the path is the image id.")
    @APIResponse(responseCode = "200", description = "The vector.")
    @APIResponse(responseCode = "404", description = "No such collection or item.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public StoredVector vector(@PathParam("dataset") String dataset, @PathParam("model") String model,
                               @PathParam("layer") String layer, @PathParam("id") String id,
                               @Parameter(description = "avg (default), max or flatten") @QueryParam("pooling") String pooling) {
        CollectionKey key = key(dataset, model, layer, pooling);
        requireMeta(key);
        VectorCollection c = store.find(key).orElseThrow();
        int row = c.row(id).orElseThrow(() -> c.unknownItem(id));
        CollectionMeta.Item item = c.item(row);
        return new StoredVector(item.id(), item.label(), c.vectors().row(row));
    }

    /** A page of a collection's items. */
    @Schema(name = "ItemPage")
    public record ItemPage(int total, int offset, int limit, List<CollectionMeta.Item> items) {
    }

    @GET
    @Path("/{dataset}/{model}/{layer}/items")
    @Operation(summary = "Page through a collection's items", description = "Image ids and labels, in row order.")
    @APIResponse(responseCode = "200", description = "A page of items.")
    @APIResponse(responseCode = "400", description = "Bad offset or limit.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such collection.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public ItemPage items(@PathParam("dataset") String dataset, @PathParam("model") String model,
                          @PathParam("layer") String layer, @QueryParam("pooling") String pooling,
                          @Parameter(description = "Index of the first item") @QueryParam("offset") @DefaultValue("0") int offset,
                          @Parameter(description = "Most items to return, 1 to 100000") @QueryParam("limit") @DefaultValue("1000") int limit) {
        if (offset < 0) {
            throw InvalidInputException.invalid("offset", offset, "an integer >= 0");
        }
        if (limit < 1 || limit > 100_000) {
            throw InvalidInputException.invalid("limit", limit, "an integer from 1 to 100000");
        }
        CollectionMeta meta = requireMeta(key(dataset, model, layer, pooling));
        List<CollectionMeta.Item> page = meta.items().stream().skip(offset).limit(limit).toList();
        return new ItemPage(meta.size(), offset, limit, page);
    }

    @DELETE
    @Path("/{dataset}/{model}/{layer}")
    @Operation(summary = "Delete a collection", description = "It is rebuilt on the next query that needs it.")
    @APIResponse(responseCode = "204", description = "Deleted.")
    @APIResponse(responseCode = "404", description = "No such collection.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public void delete(@PathParam("dataset") String dataset, @PathParam("model") String model,
                       @PathParam("layer") String layer, @QueryParam("pooling") String pooling) {
        CollectionKey key = key(dataset, model, layer, pooling);
        requireMeta(key);
        store.delete(key);
    }

    private CollectionMeta requireMeta(CollectionKey key) {
        return store.meta(key).orElseThrow(() -> UnknownNameException.unknown("collection", key.toString(), null,
                store.list().stream().map(m -> m.key().toString()).toList(), "/api/search/collections"));
    }

    private static CollectionKey key(String dataset, String model, String layer, String pooling) {
        String p = pooling == null || pooling.isBlank() ? "avg" : pooling.toLowerCase(Locale.ROOT);
        if (!QueryParameters.POOLINGS.contains(p)) {
            throw InvalidInputException.invalid("pooling", pooling, "one of " + QueryParameters.POOLINGS);
        }
        return new CollectionKey(dataset, model, layer, p);
    }
}
