package org.convnetplayground.catalog.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.convnetplayground.catalog.filters.FilterImages;
import org.convnetplayground.catalog.graph.Layer;
import org.convnetplayground.catalog.store.CatalogModel;
import org.convnetplayground.catalog.store.ModelStore;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.Cache;

/** Models, their layers, labels and files. Translates HTTP to {@link ModelStore} calls. */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "models", description = "Pretrained CNNs, their layers and their files")
public class ModelResource {

    private static final String UNKNOWN_MODEL = "Unknown model; the problem lists the valid ids.";

    @Inject
    ModelStore store;

    @Inject
    FilterImages filters;

    @GET
    @Operation(summary = "List models in order of complexity",
            description = "Every model in the store, ordered by parameter count, ties broken by layer count.")
    @APIResponse(responseCode = "200", description = "The models, simplest first.")
    public List<ModelSummary> list() {
        List<CatalogModel> all = store.list();
        List<ModelSummary> out = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            out.add(ModelSummary.of(all.get(i), i + 1));
        }
        return out;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Describe one model",
            description = "Preprocessing, provenance, licence, parameters, FLOPs and feature layers of one model.")
    @APIResponse(responseCode = "200", description = "The model.")
    @APIResponse(responseCode = "404", description = UNKNOWN_MODEL,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public ModelSummary get(@Parameter(description = "Model id", example = "mobilenet_v2_1.0_224") @PathParam("id") String id) {
        CatalogModel model = store.require(id);
        return ModelSummary.of(model, store.list().indexOf(model) + 1);
    }

    @GET
    @Path("/{id}/layers")
    @Operation(summary = "List every layer of a model",
            description = "One entry per graph node, in graph order, named by its output tensor: operator, output "
                    + "shape (batch as -1), parameters, cumulative parameters, multiply-adds, and whether it is a "
                    + "curated feature layer. Filter with `feature=true` or `op=Conv`.")
    @APIResponse(responseCode = "200", description = "The layers, in graph order.")
    @APIResponse(responseCode = "400", description = "Unknown operator filter.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = UNKNOWN_MODEL,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public List<Layer> layers(
            @Parameter(description = "Model id", example = "mobilenet_v2_1.0_224") @PathParam("id") String id,
            @Parameter(description = "Only feature layers (true) or only the others (false)") @QueryParam("feature") Boolean feature,
            @Parameter(description = "Only layers of this ONNX operator, e.g. Conv") @QueryParam("op") String op) {
        List<Layer> layers = store.require(id).table().layers();
        if (op != null) {
            Set<String> ops = new TreeSet<>();
            layers.forEach(l -> ops.add(l.op()));
            String wanted = ops.stream().filter(o -> o.equalsIgnoreCase(op)).findFirst()
                    .orElseThrow(() -> ProblemException.invalid("op", op, "one of the operators in model '" + id
                            + "': " + ops));
            layers = layers.stream().filter(l -> l.op().equals(wanted)).toList();
        }
        if (feature != null) {
            layers = layers.stream().filter(l -> l.feature() == feature).toList();
        }
        return layers;
    }

    @GET
    @Path("/{id}/layers/{layer: .+}")
    @Operation(summary = "Describe one layer", description = "The layer named by its output tensor (names may contain '/').")
    @APIResponse(responseCode = "200", description = "The layer.")
    @APIResponse(responseCode = "404", description = "Unknown model or layer; the problem lists the valid names.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Layer layer(@Parameter(description = "Model id") @PathParam("id") String id,
                       @Parameter(description = "Layer name", example = "global_pool") @PathParam("layer") String layer) {
        CatalogModel model = store.require(id);
        return model.table().layers().stream().filter(l -> l.name().equals(layer)).findFirst()
                .orElseThrow(() -> ProblemException.unknown("layer", layer, "for model '" + id + "'",
                        model.table().featureLayers(), "/api/catalog/models/" + id + "/layers"));
    }

    @GET
    @Path("/{id}/filters")
    @Produces("image/png")
    @Cache(maxAge = 86400)
    @Operation(summary = "Picture a Conv layer's filters",
            description = "Every filter of the layer (the model's first convolution when no layer is named) drawn as a "
                    + "small image in a grid, in filter order. First-layer filters see the colour channels and are drawn "
                    + "in colour: mid-grey is a zero weight, brighter channels are positive weights, each filter scaled "
                    + "by its largest weight. Filters of deeper layers are drawn as the weight norm per position, in grey.")
    @APIResponse(responseCode = "200", description = "A PNG.",
            content = @Content(mediaType = "image/png",
                    schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "400", description = "The layer is not a Conv layer.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown model or layer.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response filters(@Parameter(description = "Model id") @PathParam("id") String id,
                            @Parameter(description = "A Conv layer; the first convolution when absent") @QueryParam("layer") String layer) {
        return Response.ok(filters.png(store.require(id), layer), "image/png").build();
    }

    @GET
    @Path("/{id}/labels")
    @Operation(summary = "Class labels of a classifier", description = "Labels in output order; empty for feature extractors.")
    @APIResponse(responseCode = "200", description = "The labels.")
    @APIResponse(responseCode = "404", description = UNKNOWN_MODEL,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public List<String> labels(@Parameter(description = "Model id") @PathParam("id") String id) {
        return store.require(id).labels();
    }

    @GET
    @Path("/{id}/file")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Cache(maxAge = 3600)
    @Operation(summary = "Download the ONNX file",
            description = "The verified ONNX file. The ETag is its SHA-256, so clients can cache it by checksum.")
    @APIResponse(responseCode = "200", description = "The ONNX file.",
            content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM,
                    schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "304", description = "Not modified (If-None-Match matched the checksum).")
    @APIResponse(responseCode = "404", description = UNKNOWN_MODEL,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response file(@Parameter(description = "Model id") @PathParam("id") String id, @jakarta.ws.rs.core.Context Request request) {
        CatalogModel model = store.require(id);
        EntityTag tag = new EntityTag(model.sha256());
        Response.ResponseBuilder unchanged = request.evaluatePreconditions(tag);
        if (unchanged != null) {
            return unchanged.build();
        }
        return Response.ok(model.file().toFile())
                .tag(tag)
                .header("X-Model-Sha256", model.sha256())
                .header("Content-Disposition", "attachment; filename=\"" + id.replaceAll("[^A-Za-z0-9._-]", "_")
                        .toLowerCase(Locale.ROOT) + ".onnx\"")
                .build();
    }
}
