package org.convnetplayground.search.leaderboard;

import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Which model, layer and metric retrieve same-class images best on one dataset.
 *
 * @param dataset    the dataset evaluated
 * @param pooling    how layer outputs became vectors
 * @param metrics    the metrics compared
 * @param models     the models compared, simplest first, with their feature layers in depth order
 * @param rows       one per model x feature layer x metric, best mAP first
 * @param computedAt when the numbers were computed
 */
@Schema(name = "Leaderboard")
public record Leaderboard(String dataset, String pooling, List<String> metrics, List<ModelEntry> models, List<Row> rows,
                          Instant computedAt) {

    /** A model of the leaderboard. */
    @Schema(name = "LeaderboardModel")
    public record ModelEntry(String id, String family, long parameters, long flops, List<String> featureLayers) {
    }

    /**
     * @param model          the model
     * @param layer          the feature layer
     * @param depth          its position among the model's feature layers, from 0 (earliest)
     * @param relativeDepth  depth scaled to 0 (first feature layer) .. 1 (last)
     * @param dimension      vector dimension
     * @param metric         the metric
     * @param map            mean average precision
     * @param precisionAt10  mean precision among the first 10 hits
     * @param weightedShare  rank-weighted share of same-class images among the first 20 hits
     */
    @Schema(name = "LeaderboardRow")
    public record Row(String model, String layer, int depth, double relativeDepth, int dimension, String metric,
                      double map, double precisionAt10, double weightedShare) {
    }
}
