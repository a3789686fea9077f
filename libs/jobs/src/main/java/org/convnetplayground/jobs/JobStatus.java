package org.convnetplayground.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.convnetplayground.problem.Problem;

/**
 * A snapshot of a job, as clients poll it.
 *
 * @param id         the job id
 * @param kind       what sort of work ("extraction", "collection-build")
 * @param key        what the work is about (e.g. the collection), for de-duplication
 * @param state      queued, running, succeeded, failed or cancelled
 * @param progress   fraction done, 0..1
 * @param done       units finished
 * @param total      units in all (0 while unknown)
 * @param message    what the job is doing now, or why it ended
 * @param error      the problem that made it fail
 * @param createdAt  when it was submitted
 * @param startedAt  when it started running
 * @param finishedAt when it reached a final state
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStatus(
        String id,
        String kind,
        String key,
        JobState state,
        double progress,
        long done,
        long total,
        String message,
        Problem error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {
}
