package org.convnetplayground.search.ranking;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One search result.
 *
 * @param rank       1 for the nearest
 * @param id         the image id in its dataset
 * @param label      its class, or null
 * @param distance   the distance to the query under the metric (null where the metric is undefined, e.g. cosine
 *                   of a zero vector)
 * @param similarity percentage, 100 for an identical vector, never increasing with the distance
 */
@Schema(name = "Hit")
public record Hit(
        @Schema(description = "1 for the nearest.") int rank,
        @Schema(description = "The image id in its dataset.") String id,
        @Schema(description = "Its class, or null when unlabelled.", nullable = true) String label,
        @Schema(description = "Distance to the query; null where the metric is undefined (SciPy's NaN).",
                nullable = true) Double distance,
        @Schema(description = "Percentage: 100 * 2^(-distance / m), m the collection's median pair distance.")
        double similarity) {
}
