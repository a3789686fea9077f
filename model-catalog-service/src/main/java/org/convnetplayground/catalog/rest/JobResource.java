package org.convnetplayground.catalog.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.convnetplayground.catalog.download.ModelDownloads;
import org.convnetplayground.catalog.store.ModelStore;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Model downloads in progress or recently finished. */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs", description = "Model downloads in progress or recently finished")
public class JobResource {

    @Inject
    ModelDownloads downloads;

    @Inject
    ModelStore store;

    @GET
    @Operation(summary = "List recent jobs",
            description = "Downloads queued, running, or finished within cnp.catalog.job-retention (an hour by default), newest first.")
    @APIResponse(responseCode = "200", description = "The jobs, newest first.")
    public List<JobView> list() {
        return downloads.jobs().list().stream().map(j -> JobView.of(j, store)).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Poll a job",
            description = "State, byte progress and message of a download; its error when it failed, the model when it succeeded.")
    @APIResponse(responseCode = "200", description = "The job.")
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JobView get(@Parameter(description = "Job id") @PathParam("id") String id) {
        return JobView.of(require(id), store);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a job",
            description = "Stops a download; the bytes received so far are kept, so starting the download again resumes it. "
                    + "Nothing is added to the store.")
    @APIResponse(responseCode = "204", description = "Cancellation requested.")
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response cancel(@Parameter(description = "Job id") @PathParam("id") String id) {
        require(id);
        downloads.jobs().cancel(id);
        return Response.noContent().build();
    }

    private Job<?> require(String id) {
        return downloads.jobs().find(id).orElseThrow(() -> ProblemException.notFound("no job '" + id
                + "'; jobs are kept for a while after they end (list them at /api/catalog/jobs)"));
    }
}
