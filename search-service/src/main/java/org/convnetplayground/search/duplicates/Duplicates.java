package org.convnetplayground.search.duplicates;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Near-duplicate images of a collection: every pair closer than the threshold, and the groups they join into.
 *
 * @param metric           the metric
 * @param threshold        the distance below which two images count as duplicates
 * @param defaultThreshold the threshold used when none is given: a fixed fraction of the typical distance
 * @param typicalDistance  the median distance between two images of the collection
 * @param scanned          images scanned
 * @param pairs            every pair below the threshold, closest first
 * @param groups           images joined by such pairs (transitively), largest group first; ids sorted
 */
@Schema(name = "Duplicates")
public record Duplicates(String metric, double threshold, double defaultThreshold, double typicalDistance, int scanned,
                         List<Pair> pairs, List<List<String>> groups) {

    /** Two images and their distance. */
    @Schema(name = "DuplicatePair")
    public record Pair(String a, String b, double distance) {
    }
}
