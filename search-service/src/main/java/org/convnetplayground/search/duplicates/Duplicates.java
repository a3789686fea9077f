package org.convnetplayground.search.duplicates;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Near-duplicate images of a collection: the pairs closer than the threshold (the closest ones, up to a cap; all
 * those found are counted), and the groups they join into. On large collections each image's neighbours come from
 * the approximate index, at most {@code neighbourCap} of them: {@code total} is then a lower bound when
 * {@code imagesAtCap > 0}.
 *
 * @param metric           the metric
 * @param threshold        the distance below which two images count as duplicates
 * @param defaultThreshold the threshold used when none is given: a fixed fraction of the typical distance
 * @param maxThreshold     the largest threshold accepted: the typical distance
 * @param typicalDistance  the median distance between two images of the collection
 * @param scanned          images scanned
 * @param total            pairs closer than the threshold, all those found counted: all of them without a
 *                         neighbour cap; with one a lower bound (the index may miss a few; pairs beyond the cap of
 *                         the {@code imagesAtCap} images are not counted)
 * @param neighbourCap     the most neighbours asked for each image (from the approximate index of a large collection);
 *                         null when every image's close neighbours were found exactly
 * @param imagesAtCap      images whose {@code neighbourCap}-th neighbour was still closer than the threshold: their
 *                         pairs beyond the cap are not counted, so {@code total} is a lower bound when this is above 0
 * @param truncated        whether {@code pairs} lists fewer than {@code total}
 * @param maxPairs         the most pairs listed
 * @param pairs            the closest pairs below the threshold, closest first, at most {@code maxPairs}
 * @param groups           images joined by such pairs (transitively, counting every pair, listed or not), largest
 *                         group first; ids sorted
 * @param labels           the label of every grouped image that has one, by id (an imported collection's ids do not
 *                         name their class as a dataset's do)
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
        @Schema(description = "Pairs closer than the threshold, all those found counted, listed or not. Without "
                + "`neighbourCap`, all of them; with it, those among each image's nearest neighbours from the "
                + "approximate index (which, as in searches, may miss a few): a lower bound, well below the true "
                + "count when `imagesAtCap` is above 0.") long total,
        @Schema(description = "On large collections (those with an approximate index), the most neighbours asked for "
                + "each image, from the index: an image with more close neighbours than this has the nearest of them "
                + "counted. Absent when every image's close neighbours were found exactly (smaller collections, or a "
                + "metric the index cannot order).", nullable = true, example = "50")
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer neighbourCap,
        @Schema(description = "Images whose `neighbourCap`-th neighbour was still closer than the threshold: their "
                + "pairs beyond the cap are not counted (they still join their group through the neighbours found), "
                + "so `total` is a lower bound when this is above 0. Always 0 without a cap.") int imagesAtCap,
        @Schema(description = "True when `pairs` lists fewer than `total` (the closest `maxPairs`).") boolean truncated,
        @Schema(description = "The most pairs listed: the request's maxPairs, or the service's default.") int maxPairs,
        @Schema(description = "The closest pairs below the threshold, closest first; at most `maxPairs`.") List<Pair> pairs,
        @Schema(description = "Images joined by pairs below the threshold (transitively, every pair counted, listed or "
                + "not), largest group first; ids sorted.") List<List<String>> groups,
        @Schema(description = "The label of every grouped image that has one, by id (as in the CSV export); an "
                + "imported collection's ids need not name their class.",
                example = "{\"item-007\": \"beta\", \"item-041\": \"beta\"}") Map<String, String> labels) {

    /** Two images and their distance. */
    @Schema(name = "DuplicatePair")
    public record Pair(String a, String b, double distance) {
    }
}
