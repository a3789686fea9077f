package org.convnetplayground.features.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.convnetplayground.features.extraction.ExtractionResult;
import org.convnetplayground.features.extraction.ExtractionRows;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobState;
import org.convnetplayground.jobs.JobStatus;
import org.convnetplayground.problem.Problem;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The rows of an extraction written so far, from a given row on, and the job's state. */
@Schema(name = "ExtractionRows", description = "Rows an extraction has written so far (its vectors can be fetched "
        + "from /api/features/extractions/{id}/vectors?layer=...&from=...&count=...) and the job's state. Ask again "
        + "with from = from + items.length until the state is final and from reaches rows.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RowsView(
        @Schema(description = "Job id.") String id,
        @Schema(description = "queued, running, succeeded, failed or cancelled.",
                enumeration = {"queued", "running", "succeeded", "failed", "cancelled"}) JobState state,
        @Schema(description = "Images done (with a row, or skipped).") long done,
        @Schema(description = "Images in all.") long total,
        @Schema(description = "What the job is doing now, or why it ended.") String message,
        @Schema(description = "Why it failed.") Problem error,
        @Schema(description = "The first row listed in items.") int from,
        @Schema(description = "Rows written so far; once the job has succeeded, all of them.") int rows,
        @Schema(description = "The images of rows from, from + 1, ... (at most limit), in row order.")
        List<ExtractionResult.Item> items,
        @Schema(description = "Each layer with its vector dimension.") List<ExtractionResult.LayerVectors> layers) {

    static RowsView of(Job<?> job, ExtractionRows written, int from, int limit) {
        JobStatus s = job.status();
        // read after the state: rows listed in a job seen as succeeded are all its rows
        List<ExtractionResult.Item> items = written == null ? List.of() : written.items(from, limit);
        return new RowsView(s.id(), s.state(), s.done(), s.total(), s.message(), s.error(), from,
                written == null ? 0 : written.size(), items, written == null ? null : written.layers());
    }
}
