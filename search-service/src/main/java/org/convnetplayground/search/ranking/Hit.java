package org.convnetplayground.search.ranking;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One search result.
 *
 * @param rank       1 for the nearest
 * @param id         the image id in its dataset
 * @param label      its class, or null
 * @param distance   the distance to the query under the metric (null where SciPy's is NaN or infinite: cosine of a
 *                   zero vector, bray-curtis of u and -u)
 * @param similarity percentage, 100 for an identical vector, never increasing with the distance
 */
@Schema(name = "Hit")
public record Hit(
        @Schema(description = "1 for the nearest.") int rank,
        @Schema(description = "The image id in its dataset.") String id,
        @Schema(description = "Its class, or null when unlabelled.", nullable = true) String label,
        @Schema(description = "Distance to the query; null where SciPy's is NaN or infinite (cosine of a zero "
                + "vector, bray-curtis of u and -u).", nullable = true) Double distance,
        @Schema(description = "Percentage: 100 * 2^(-distance / m), m the collection's median pair distance.")
        double similarity) {
}
