package org.convnetplayground.catalog.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.convnetplayground.catalog.store.CatalogModel;
import org.convnetplayground.catalog.store.ModelStore;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobState;
import org.convnetplayground.jobs.JobStatus;
import org.convnetplayground.problem.Problem;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A model download as clients poll it. */
@Schema(name = "Job", description = "A model download into the catalog's store. Poll `job` until `state` is succeeded, "
        + "failed or cancelled; `done` and `total` count bytes (total is 0 while the size is unknown).")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        @Schema(description = "Job id.") String id,
        @Schema(description = "URL to poll (GET) or cancel (DELETE).", examples = "/api/catalog/jobs/0f8c2d4e-5b1a-4c3e-9f0d-1a2b3c4d5e6f")
        String job,
        @Schema(description = "What kind of work: model-download.") String kind,
        @Schema(description = "The id of the model being downloaded.") String key,
        @Schema(description = "queued, running, succeeded, failed or cancelled.",
                enumeration = {"queued", "running", "succeeded", "failed", "cancelled"}) JobState state,
        @Schema(description = "Fraction done, 0 to 1.") double progress,
        @Schema(description = "Bytes received, including those of a resumed partial download.") long done,
        @Schema(description = "Bytes in all, from Content-Length or Content-Range (0 while unknown).") long total,
        @Schema(description = "What the job is doing now, or why it ended.") String message,
        @Schema(description = "Why it failed: the download broke off (the received bytes are kept, so starting the "
                + "download again resumes it), the checksum did not match (nothing is kept), the file is too large, or "
                + "the model failed a check.") Problem error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        @Schema(description = "For a download that succeeded: the model as the catalog now lists it.") ModelSummary model) {

    static JobView of(Job<?> job, ModelStore store) {
        JobStatus s = job.status();
        ModelSummary model = s.state() == JobState.SUCCEEDED
                ? job.result().filter(CatalogModel.class::isInstance).map(CatalogModel.class::cast)
                        .flatMap(m -> store.find(m.id()))
                        .map(m -> ModelSummary.of(m, store.list().indexOf(m) + 1)).orElse(null)
                : null;
        return new JobView(s.id(), "/api/catalog/jobs/" + s.id(), s.kind(), s.key(), s.state(), s.progress(), s.done(),
                s.total(), s.message(), s.error(), s.createdAt(), s.startedAt(), s.finishedAt(), model);
    }

    /** 202 Accepted with the job and its URL in Location. */
    static Response accepted(Job<?> job, ModelStore store) {
        JobView view = of(job, store);
        // an absolute path, not resolved against the REST root
        return Response.accepted(view).header("Location", view.job()).build();
    }
}
