package org.convnetplayground.search.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.convnetplayground.search.query.QueryService;
import org.convnetplayground.search.ranking.Hit;
import org.convnetplayground.search.ranking.Similarity;
import org.convnetplayground.vectors.Metric;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The nearest items to a query. */
@Schema(name = "SearchResults")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchResponse(
        @Schema(description = "The collection ranked.") CollectionView collection,
        @Schema(description = "The distance used.") String metric,
        @Schema(description = "The minkowski exponent, for minkowski only.") Double p,
        @Schema(description = "How similarity percentages are computed for this metric.") String similarity,
        @Schema(description = "The query: an item (id, label) or an upload (its file name).") QueryService.Query query,
        @Schema(description = "Nearest first; the query item itself is never among them.") List<Hit> hits,
        @Schema(description = "Milliseconds spent ranking.") double tookMs,
        @Schema(description = "How the hits were found: exact (every item compared) or approximate (candidates from "
                + "the collection's HNSW index, re-ranked exactly; distances are exact either way).",
                enumeration = {"exact", "approximate"}) String mode,
        @Schema(description = "Why the mode differs from the one asked for: a metric the approximate index cannot "
                + "serve, or an approximate index still being built.") String modeNote,
        @Schema(description = "Present when the dataset changed since the collection was built: the job bringing it up "
                + "to date (new images extracted, deleted ones dropped); these hits come from the previous version.")
        String updating) {

    static SearchResponse of(QueryService.Results r) {
        Metric m = r.parameters().metric();
        return new SearchResponse(CollectionView.of(r.collection()), m.id(), m == Metric.MINKOWSKI ? r.parameters().p() : null,
                Similarity.rule(m), r.query(), r.hits(), Math.round(r.tookMs() * 1000) / 1000.0, r.mode().id(),
                r.modeNote(),
                r.updating() == null ? null : "/api/search/jobs/" + r.updating().id());
    }
}
