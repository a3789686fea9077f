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
public record Hit(int rank, String id, String label, Double distance, double similarity) {
}
