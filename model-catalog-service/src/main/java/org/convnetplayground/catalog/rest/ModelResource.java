package org.convnetplayground.catalog.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.convnetplayground.catalog.download.ModelDownloads;
import org.convnetplayground.catalog.filters.FilterImages;
import org.convnetplayground.catalog.graph.Layer;
import org.convnetplayground.catalog.store.CatalogModel;
import org.convnetplayground.catalog.store.ModelStore;
import org.convnetplayground.catalog.store.ModelStoreWriter;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.Cache;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

/** Models, their layers, labels and files; importing, downloading and deleting them. Translates HTTP to domain calls. */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "models", description = "Pretrained CNNs, their layers and their files")
public class ModelResource {

    private static final String UNKNOWN_MODEL = "Unknown model; the problem lists the valid ids.";
    /** The metadata part is a model.json: a few kilobytes. */
    static final long MAX_METADATA_BYTES = 1 << 20;
    /** The labels part: one short line per class. */
    static final long MAX_LABELS_BYTES = 4 << 20;

    @Inject
    ModelStore store;

    @Inject
    ModelStoreWriter writer;

    @Inject
    ModelDownloads downloads;

    @Inject
    ObjectMapper json;

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
                .orElseThrow(() -> ProblemException.unknownAmong("layer", layer, "for model '" + id + "'",
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

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA,
            schema = @Schema(implementation = ModelUpload.class)))
    @Operation(summary = "Import an ONNX model",
            description = "Adds a model to the catalog's own store from a multipart upload: `model` (the ONNX file), "
                    + "`metadata` (JSON in the model.json form of the shared models; its `name` is the new model's id) "
                    + "and optionally `labels` (one class per line). The file is streamed to disk (at most "
                    + "cnp.catalog.max-import-bytes) and checked completely before anything is stored: it must parse as "
                    + "ONNX, keep every tensor inside the file (external data anywhere - any subgraph, any tensor "
                    + "attribute - is refused naming the tensor, since the catalog never reads files a model names), "
                    + "have exactly one float32 image input [batch, 3, H, W] (NCHW) or [batch, H, W, 3] (NHWC) matching "
                    + "the stated layout and size, load in ONNX Runtime and give finite numbers in every layer for a "
                    + "sample image (else refused naming the layer), and the stated preprocessing must make sense (mean "
                    + "per channel from 0 to 255 and std from 0.01 to 10000, in pixel units). Its layers are parsed and its "
                    + "feature layers proposed as for the shared models; model.json is completed with the checksum, size, "
                    + "parameter count and opset. Ids are unique across the shared folder and the store.")
    @APIResponse(responseCode = "201", description = "Imported; the model as the catalog now lists it. Location names it.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelSummary.class)))
    @APIResponse(responseCode = "400", description = "Not an ONNX model, external data, no image input, non-finite "
            + "numbers in the sample run, a missing part, or metadata that is not JSON, lacks a required field, has a bad "
            + "value or contradicts the graph; the problem names the field, tensor or layer.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The id is taken by a model of the catalog.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The file is larger than the import limit, which the problem names.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not multipart/form-data.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The store cannot be written.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response importModel(MultipartFormDataInput form) {
        FormValue model = part(form, "model");
        if (model == null) {
            throw ProblemException.missing("model", "a multipart file part 'model' holding the ONNX file");
        }
        if (!model.isFileItem()) {
            throw ProblemException.invalid("model", "a text field", "a file part (with a filename) holding the ONNX file");
        }
        FormValue metadata = part(form, "metadata");
        if (metadata == null) {
            throw ProblemException.missing("metadata", "a multipart part 'metadata' holding JSON in the model.json form, "
                    + "e.g. {\"name\": \"my_model\", \"input\": {\"size\": [224, 224]}, \"preprocessing\": "
                    + "{\"mean\": [123.675, 116.28, 103.53], \"std\": [58.395, 57.12, 57.375]}}");
        }
        ObjectNode json = ModelStoreWriter.parseMetadata(text(metadata, "metadata", MAX_METADATA_BYTES));
        FormValue labelsPart = part(form, "labels");
        List<String> labels = labelsPart == null ? null : text(labelsPart, "labels", MAX_LABELS_BYTES).lines().toList();
        java.nio.file.Path file;
        java.nio.file.Path spilled = null;
        try {
            if (model.getFileItem().isInMemory()) {
                spilled = Files.createTempFile("cnp-upload-", ".onnx");
                model.getFileItem().write(spilled);
                file = spilled;
            } else {
                file = model.getFileItem().getFile();
            }
            String name = model.getFileName() == null ? "" : model.getFileName();
            CatalogModel added = writer.add(file, json, labels, CatalogModel.UPLOAD, Map.of("file_name", name));
            return Response.status(Response.Status.CREATED)
                    .header("Location", "/api/catalog/models/" + added.id())
                    .entity(ModelSummary.of(added, store.list().indexOf(added) + 1))
                    .build();
        } catch (IOException e) {
            throw ProblemException.badRequest("cannot read the uploaded model: " + e.getMessage());
        } finally {
            if (spilled != null) {
                try {
                    Files.deleteIfExists(spilled);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete an imported or downloaded model",
            description = "Removes a model from the catalog's own store (its folder, ONNX file and metadata). Shared "
                    + "models are read-only and cannot be deleted.")
    @APIResponse(responseCode = "204", description = "Deleted.")
    @APIResponse(responseCode = "404", description = UNKNOWN_MODEL,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The model is a shared (read-only) model.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The store cannot be written.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response delete(@Parameter(description = "Model id", example = "my_mobilenet") @PathParam("id") String id) {
        writer.delete(id);
        return Response.noContent().build();
    }

    @POST
    @Path("/download")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DownloadRequest.class),
            examples = @ExampleObject(name = "a zoo model", value = "{\"id\": \"resnet18-v2-7\", \"url\": "
                    + "\"https://github.com/onnx/models/raw/main/validated/vision/classification/resnet/model/resnet18-v2-7.onnx\", "
                    + "\"sha256\": \"3b4d048057854022232aa20bf68262e31718ab7119a17f920b8a2dc1433f824b\", "
                    + "\"metadata\": {\"name\": \"resnet18-v2-7\", \"input\": {\"size\": [224, 224], \"layout\": \"NCHW\", "
                    + "\"channel_order\": \"RGB\"}, \"preprocessing\": {\"resize\": \"shorter side to 256, centre crop 224\", "
                    + "\"mean\": [123.675, 116.28, 103.53], \"std\": [58.395, 57.12, 57.375]}, "
                    + "\"output\": {\"num_classes\": 1000, \"labels_file\": \"imagenet_labels.txt\"}}}")))
    @Operation(summary = "Download a model into the store",
            description = "Starts a job that fetches the ONNX file over HTTP(S) (at most 5 redirects followed, timeouts "
                    + "from cnp.catalog.download-*), with byte progress from Content-Length, computing its SHA-256 on the "
                    + "way. Only public addresses are fetched from: the URL's host, and that of every redirect, is "
                    + "resolved and each address checked before any connection; loopback, private, link-local, "
                    + "unique-local, multicast and unspecified addresses (in any spelling, e.g. 2130706433 or "
                    + "[::ffff:127.0.0.1]) are refused unless the operator allows the host or network "
                    + "(cnp.catalog.download.allowed-hosts, cnp.catalog.download.allowed-networks): with a 400 at once "
                    + "for the URL itself, as the job's error for a redirect. A failed fetch says 'cannot fetch' and the "
                    + "URL, nothing of what came back. "
                    + "A file with the right checksum is checked and added exactly as an upload; a wrong checksum fails "
                    + "the job and nothing is kept. A download that breaks off keeps the bytes received: starting it "
                    + "again resumes with an HTTP Range request (or starts over when the server does not support Range). "
                    + "Answers 202 with the job to poll; a download of the same id already running is returned instead.")
    @APIResponse(responseCode = "202", description = "The download job; Location names it.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Missing or invalid field (a URL that is not http or https, a "
            + "malformed sha256, bad metadata), or a URL whose address is not allowed (title 'Address not allowed'); "
            + "the problem names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The id is taken, or the same file is being fetched for another model.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The store cannot be written.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response download(DownloadRequest request) {
        if (request == null) {
            throw ProblemException.missing("body", "a JSON object with id, url, sha256 and metadata");
        }
        return JobView.accepted(downloads.start(request.id(), request.url(), request.sha256(),
                request.metadata() == null ? null : json.valueToTree(request.metadata())), store);
    }

    private static FormValue part(MultipartFormDataInput form, String name) {
        Collection<FormValue> values = form.getValues().get(name);
        return values == null || values.isEmpty() ? null : values.iterator().next();
    }

    /** A text part (a form field or a small file), bounded so that no part is read whole into memory unchecked. */
    private static String text(FormValue part, String name, long max) {
        if (!part.isFileItem()) {
            return part.getValue();
        }
        try {
            long size = part.getFileItem().getFileSize();
            if (size > max) {
                throw ProblemException.of(413, "Payload too large", "the '" + name + "' part is " + size
                        + " bytes; expected at most " + max + " bytes");
            }
            if (part.getFileItem().isInMemory()) {
                return new String(part.getFileItem().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(part.getFileItem().getFile(), StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw ProblemException.invalid(name, "(not UTF-8 text)", "UTF-8 text");
        } catch (IOException e) {
            throw ProblemException.badRequest("cannot read the '" + name + "' part: " + e.getMessage());
        }
    }
}
