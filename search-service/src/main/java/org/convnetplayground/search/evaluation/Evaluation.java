package org.convnetplayground.search.evaluation;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * How well one collection retrieves same-class images under one metric: every labelled image in turn is the
 * query (itself left out) and the images of its class are the relevant ones.
 *
 * @param queries        labelled images used as queries (those whose class has at least one other image)
 * @param map            mean average precision over the queries
 * @param precisionAt    mean fraction of same-class images among the first k hits, for k = 1, 5, 10, 20
 * @param recallAt       mean fraction of the query's class found among the first k hits
 * @param weightedShare  the share of same-class images among the first 20 hits, hit r weighted 21 - r (the first
 *                       hit counts 20 times as much as the 20th): the original playground's per-layer score
 * @param perClass       the same per query class
 * @param seconds        time to compute it
 */
@Schema(name = "Evaluation")
public record Evaluation(
        int queries,
        double map,
        Map<String, Double> precisionAt,
        Map<String, Double> recallAt,
        double weightedShare,
        Map<String, ClassScores> perClass,
        double seconds) {

    /**
     * @param queries      images of this class used as queries
     * @param map          their mean average precision
     * @param precisionAt10 their mean precision among the first 10 hits
     * @param recallAt10   their mean recall among the first 10 hits
     */
    @Schema(name = "ClassScores")
    public record ClassScores(int queries, double map, double precisionAt10, double recallAt10) {
    }
}
