package org.convnetplayground.search.duplicates;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Near-duplicate images of a collection: the pairs closer than the threshold (the closest ones, up to a cap; all
 * are counted), and the groups they join into.
 *
 * @param metric           the metric
 * @param threshold        the distance below which two images count as duplicates
 * @param defaultThreshold the threshold used when none is given: a fixed fraction of the typical distance
 * @param maxThreshold     the largest threshold accepted: the typical distance
 * @param typicalDistance  the median distance between two images of the collection
 * @param scanned          images scanned
 * @param total            pairs closer than the threshold, all counted
 * @param truncated        whether {@code pairs} lists fewer than {@code total}
 * @param maxPairs         the most pairs listed
 * @param pairs            the closest pairs below the threshold, closest first, at most {@code maxPairs}
 * @param groups           images joined by such pairs (transitively, counting every pair, listed or not), largest
 *                         group first; ids sorted
 */
@Schema(name = "Duplicates")
public record Duplicates(
        String metric,
        double threshold,
        double defaultThreshold,
        @Schema(description = "The largest threshold accepted: the collection's median pair distance (a pair as far "
                + "apart as a typical pair is no near-duplicate).") double maxThreshold,
        @Schema(description = "The median distance between two images of the collection.") double typicalDistance,
        int scanned,
        @Schema(description = "Pairs closer than the threshold, all counted, listed or not.") long total,
        @Schema(description = "True when `pairs` lists fewer than `total` (the closest `maxPairs`).") boolean truncated,
        @Schema(description = "The most pairs listed: the request's maxPairs, or the service's default.") int maxPairs,
        @Schema(description = "The closest pairs below the threshold, closest first; at most `maxPairs`.") List<Pair> pairs,
        @Schema(description = "Images joined by pairs below the threshold (transitively, every pair counted, listed or "
                + "not), largest group first; ids sorted.") List<List<String>> groups) {

    /** Two images and their distance. */
    @Schema(name = "DuplicatePair")
    public record Pair(String a, String b, double distance) {
    }
}
