package org.convnetplayground.search.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobState;
import org.convnetplayground.jobs.JobStatus;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.query.QueryService;
import org.convnetplayground.search.ranking.Hit;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Background work as clients poll it. */
@Schema(name = "Job", description = "Background work: a collection build, an evaluation, a leaderboard, a projection "
        + "or a duplicate scan. Wait for it at `poll` (answered as soon as it changes) or poll `job` until `state` is "
        + "succeeded, failed or cancelled, then repeat the request.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        @Schema(description = "Job id.") String id,
        @Schema(description = "URL to poll (GET) or cancel (DELETE).", examples = "/api/search/jobs/0f8c...") String job,
        @Schema(description = "While the job runs: where to ask again. A GET there answers as soon as the job's "
                + "state, progress or message changes, at the latest after " + JobResource.MAX_WAIT_MS / 1000
                + " s (long-poll; the job URL with ?wait=), so a client learns that the job ended the moment it ends, "
                + "without a poll interval.", examples = "/api/search/jobs/0f8c...?wait=10000") String poll,
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
        CollectionBuilder.BuildResult result,
        @Schema(description = "In a 202 answer to a query while its collection is being built: the hits among the "
                + "images stored so far. Ask the query again for fresher ones; the complete answer (200, once the "
                + "job has succeeded) replaces them.")
        PartialResults partial) {

    /** Hits among the images a build has stored so far. */
    @Schema(name = "PartialResults", description = "The nearest images among those stored so far by the build of "
            + "the collection, ranked exactly like the complete answer's hits (similarities relative to the images "
            + "stored so far).")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PartialResults(
            @Schema(description = "Images searched: those whose vectors are stored so far.") int done,
            @Schema(description = "Images in the dataset being extracted (0 until the extraction starts).") long total,
            @Schema(description = "done / total, 0 to 1.") double fraction,
            @Schema(description = "Nearest first, at most k; none until the first images are stored. The query "
                    + "image itself is never among them.") List<Hit> hits) {

        static PartialResults of(QueryService.Partial p) {
            return new PartialResults(p.done(), p.total(), Math.round(p.fraction() * 1e4) / 1e4, p.hits());
        }
    }

    static JobView of(Job<?> job) {
        return of(job, null);
    }

    static JobView of(Job<?> job, QueryService.Partial partial) {
        JobStatus s = job.status();
        CollectionBuilder.BuildResult result = s.state() == JobState.SUCCEEDED
                ? job.result().filter(CollectionBuilder.BuildResult.class::isInstance)
                        .map(CollectionBuilder.BuildResult.class::cast).orElse(null)
                : null;
        String url = "/api/search/jobs/" + s.id();
        return new JobView(s.id(), url, s.state().isFinal() ? null : url + "?wait=" + JobResource.MAX_WAIT_MS,
                s.kind(), s.key(), s.state(), s.progress(), s.done(), s.total(), s.message(), s.error(),
                s.createdAt(), s.startedAt(), s.finishedAt(), result,
                partial == null ? null : PartialResults.of(partial));
    }

    /** 202 Accepted with the job and its URL in Location. */
    static Response accepted(Job<?> job) {
        return accepted(job, null);
    }

    /** 202 Accepted with the job (and the partial results of a query), its URL in Location. */
    static Response accepted(Job<?> job, QueryService.Partial partial) {
        JobView view = of(job, partial);
        // an absolute path, not resolved against the REST root
        return Response.accepted(view).header("Location", view.job()).build();
    }
}
