package org.convnetplayground.catalog.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.convnetplayground.catalog.download.ModelDownloads;
import org.convnetplayground.catalog.store.ModelStore;
import org.convnetplayground.catalog.zoo.ModelZoo;
import org.convnetplayground.problem.Problem;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Well-known models the catalog can fetch. Translates HTTP to {@link ModelZoo} and {@link ModelDownloads} calls. */
@Path("/zoo")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "zoo", description = "Well-known ImageNet CNNs the catalog can download into its store")
public class ZooResource {

    @Inject
    ModelZoo zoo;

    @Inject
    ModelDownloads downloads;

    @Inject
    ModelStore store;

    @GET
    @Operation(summary = "List the zoo",
            description = "Well-known ImageNet CNNs of the ONNX model zoo with their canonical download URL, SHA-256 (the "
                    + "file's Git LFS object id in github.com/onnx/models), size, licence, source and preprocessing in the "
                    + "model.json form, smallest first. Each entry's notes say what is and is not known about it.")
    @APIResponse(responseCode = "200", description = "The zoo.")
    public List<ZooEntryView> list() {
        return zoo.list().stream().map(e -> ZooEntryView.of(e, store.find(e.id()).isPresent())).toList();
    }

    @POST
    @Path("/{id}/download")
    @Operation(summary = "Download a zoo model",
            description = "Starts downloading the zoo model into the store, as POST /api/catalog/models/download with the "
                    + "entry's id, url, sha256 and metadata. Answers 202 with the job to poll.")
    @APIResponse(responseCode = "202", description = "The download job; Location names it.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "The entry's URL has an address the catalog does not fetch from "
            + "(a zoo file pointing at this machine or a private network that the operator has not allowed).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Not a zoo model; the problem lists them.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A model with this id is in the catalog already.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response download(@Parameter(description = "Zoo model id", example = "resnet18-v2-7") @PathParam("id") String id) {
        ModelZoo.Entry e = zoo.require(id);
        return JobView.accepted(downloads.start(e.id(), e.url(), e.sha256(), e.metadata()), store);
    }
}
