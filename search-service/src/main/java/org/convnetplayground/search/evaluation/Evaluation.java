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
 * @param sample         for large collections, the queries were a sample: of how many, and the 95% confidence
 *                       interval of the mAP; null when every labelled image was a query
 */
@Schema(name = "Evaluation")
public record Evaluation(
        int queries,
        double map,
        Map<String, Double> precisionAt,
        Map<String, Double> recallAt,
        double weightedShare,
        Map<String, ClassScores> perClass,
        double seconds,
        Sample sample) {

    /** Every labelled image a query. */
    public Evaluation(int queries, double map, Map<String, Double> precisionAt, Map<String, Double> recallAt,
                      double weightedShare, Map<String, ClassScores> perClass, double seconds) {
        this(queries, map, precisionAt, recallAt, weightedShare, perClass, seconds, null);
    }

    /**
     * A fixed pseudo-random sample of the queries stood for all of them.
     *
     * @param of         queries there would have been
     * @param mapLow     the 95% confidence interval of the mAP over all of them: low end
     * @param mapHigh    and high end (normal approximation, finite-population corrected)
     */
    @Schema(name = "EvaluationSample")
    public record Sample(int of, double mapLow, double mapHigh) {
    }

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
