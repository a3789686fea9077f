package org.convnetplayground.search.projection;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A 2-D map of a collection.
 *
 * @param method        pca or tsne
 * @param total         items in the collection
 * @param sampled       items shown (a fixed sample when the collection is larger than the limit)
 * @param varianceShare for pca: the share of variance each axis explains
 * @param points        one per shown item
 */
@Schema(name = "Projection")
public record Projection(String method, int total, int sampled, List<Double> varianceShare, List<Point> points) {

    /** An item at (x, y). */
    @Schema(name = "ProjectedPoint")
    public record Point(String id, String label, double x, double y) {
    }
}
