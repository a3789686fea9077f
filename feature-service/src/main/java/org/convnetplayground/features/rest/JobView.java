package org.convnetplayground.features.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.convnetplayground.features.extraction.ExtractionResult;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobState;
import org.convnetplayground.jobs.JobStatus;
import org.convnetplayground.problem.Problem;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A job as clients poll it: an extraction, or the indexing of a layer's channels over a dataset. */
@Schema(name = "ExtractionJob")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        @Schema(description = "Job id.") String id,
        @Schema(description = "URL to poll (GET) or cancel (DELETE) the job.") String job,
        @Schema(description = "queued, running, succeeded, failed or cancelled.",
                enumeration = {"queued", "running", "succeeded", "failed", "cancelled"}) JobState state,
        @Schema(description = "Fraction done, 0 to 1.") double progress,
        @Schema(description = "Images done.") long done,
        @Schema(description = "Images in all.") long total,
        @Schema(description = "What the job is doing now, or why it ended.") String message,
        @Schema(description = "Why it failed.") Problem error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        @Schema(description = "Present when the job succeeded.") ExtractionResult result) {

    static JobView of(Job<?> job) {
        JobStatus s = job.status();
        ExtractionResult result = s.state() == JobState.SUCCEEDED
                ? job.result().filter(ExtractionResult.class::isInstance).map(ExtractionResult.class::cast).orElse(null)
                : null;
        String url = "extraction".equals(s.kind()) ? "/api/features/extractions/" + s.id() : "/api/features/jobs/" + s.id();
        return new JobView(s.id(), url, s.state(), s.progress(), s.done(), s.total(),
                s.message(), s.error(), s.createdAt(), s.startedAt(), s.finishedAt(), result);
    }
}
