package org.convnetplayground.search.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import jakarta.ws.rs.QueryParam;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.search.background.BackgroundJobs;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Collection build jobs. */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs", description = "Builds, evaluations, leaderboards, projections and duplicate scans in progress or recently finished")
public class JobResource {

    /** The longest a request waits for a job to change: short enough for any proxy's read timeout. */
    static final long MAX_WAIT_MS = 10_000;

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
    @Operation(summary = "Poll a job, or wait for it to change",
            description = "State, progress and, once succeeded, what was built. With `wait`, answers as soon as the "
                    + "job's state, progress or message changes (at once when it has ended), at the latest after "
                    + "`wait` milliseconds with the job as it is (long-poll, at most " + MAX_WAIT_MS + "): a client "
                    + "asking again right after each answer follows the job with no poll interval. The job's `poll` "
                    + "URL carries the longest wait.")
    @APIResponse(responseCode = "200", description = "The job.")
    @APIResponse(responseCode = "400", description = "A negative wait.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such job.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<JobView> get(@PathParam("id") String id,
                                        @Parameter(description = "Milliseconds to wait for a change, 0 to "
                                                + MAX_WAIT_MS + " (larger values wait " + MAX_WAIT_MS
                                                + "); 0 or absent answers at once.", example = "10000")
                                        @QueryParam("wait") Long wait) {
        Job<?> job = require(id);
        long waitMs = wait == null ? 0 : wait;
        if (waitMs < 0) {
            throw InvalidInputException.invalid("wait", wait, "milliseconds from 0 to " + MAX_WAIT_MS);
        }
        if (waitMs == 0) {
            return CompletableFuture.completedFuture(JobView.of(job));
        }
        return job.nextChange().completeOnTimeout(null, Math.min(waitMs, MAX_WAIT_MS), TimeUnit.MILLISECONDS)
                .thenApply(changed -> JobView.of(job));
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
