package org.convnetplayground.search.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobState;
import org.convnetplayground.jobs.JobStatus;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.search.build.CollectionBuilder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Background work as clients poll it. */
@Schema(name = "Job", description = "Background work: a collection build, an evaluation, a leaderboard, a projection "
        + "or a duplicate scan. Poll `job` until `state` is succeeded, failed or cancelled, then repeat the request.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        @Schema(description = "Job id.") String id,
        @Schema(description = "URL to poll (GET) or cancel (DELETE).", examples = "/api/search/jobs/0f8c...") String job,
        @Schema(description = "What kind of work: collection-build, evaluation, leaderboard, projection, duplicates.")
        String kind,
        @Schema(description = "What the work is about.") String key,
        @Schema(description = "queued, running, succeeded, failed or cancelled.",
                enumeration = {"queued", "running", "succeeded", "failed", "cancelled"}) JobState state,
        @Schema(description = "Fraction done, 0 to 1.") double progress,
        @Schema(description = "Work units done: images for builds and evaluations, thousandths of a step for leaderboards.")
        long done,
        @Schema(description = "Work units in all (0 while unknown).") long total,
        @Schema(description = "What the job is doing now, or why it ended.") String message,
        @Schema(description = "Why it failed.") Problem error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        @Schema(description = "For a collection build that succeeded: what was built.")
        CollectionBuilder.BuildResult result) {

    static JobView of(Job<?> job) {
        JobStatus s = job.status();
        CollectionBuilder.BuildResult result = s.state() == JobState.SUCCEEDED
                ? job.result().filter(CollectionBuilder.BuildResult.class::isInstance)
                        .map(CollectionBuilder.BuildResult.class::cast).orElse(null)
                : null;
        return new JobView(s.id(), "/api/search/jobs/" + s.id(), s.kind(), s.key(), s.state(), s.progress(), s.done(),
                s.total(), s.message(), s.error(), s.createdAt(), s.startedAt(), s.finishedAt(), result);
    }

    /** 202 Accepted with the job and its URL in Location. */
    static Response accepted(Job<?> job) {
        JobView view = of(job);
        // an absolute path, not resolved against the REST root
        return Response.accepted(view).header("Location", view.job()).build();
    }
}
