package org.convnetplayground.search.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.search.background.BackgroundJobs;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Collection build jobs. */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs", description = "Builds, evaluations, leaderboards, projections and duplicate scans in progress or recently finished")
public class JobResource {

    @Inject
    BackgroundJobs jobs;

    @GET
    @Operation(summary = "List recent jobs", description = "Jobs are remembered for an hour after they end.")
    @APIResponse(responseCode = "200", description = "The jobs, newest first.")
    public List<JobView> list() {
        return jobs.registry().list().stream().map(JobView::of).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Poll a job", description = "State, progress and, once succeeded, what was built.")
    @APIResponse(responseCode = "200", description = "The job.")
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JobView get(@PathParam("id") String id) {
        return JobView.of(require(id));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a job",
            description = "Asks a build to stop; its extraction on the feature-service is cancelled too and nothing is stored.")
    @APIResponse(responseCode = "204", description = "Cancellation requested.")
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public void cancel(@PathParam("id") String id) {
        require(id);
        jobs.registry().cancel(id);
    }

    private Job<?> require(String id) {
        return jobs.find(id).orElseThrow(() -> UnknownNameException.notFound("no job '" + DomainException.echo(id)
                + "'; jobs are kept for an hour after they end (list them at /api/search/jobs)"));
    }
}
