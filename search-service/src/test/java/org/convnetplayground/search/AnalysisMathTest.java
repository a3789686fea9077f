package org.convnetplayground.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.duplicates.DuplicateFinder;
import org.convnetplayground.search.duplicates.Duplicates;
import org.convnetplayground.search.evaluation.Evaluation;
import org.convnetplayground.search.evaluation.RetrievalEvaluator;
import org.convnetplayground.search.projection.Pca;
import org.convnetplayground.search.projection.Tsne;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.VectorMatrix;
import org.junit.jupiter.api.Test;

/** Evaluation, projections and duplicate groups on tiny inputs with answers worked out by hand. */
class AnalysisMathTest {

    static VectorCollection collection(float[] values, int dim, String... idLabel) {
        List<CollectionMeta.Item> items = new ArrayList<>();
        for (int i = 0; i < idLabel.length; i += 2) {
            items.add(new CollectionMeta.Item(idLabel[i], idLabel[i + 1]));
        }
        return new VectorCollection(new CollectionMeta(new CollectionKey("d", "m", "l", "avg"), dim, "v", "sha",
                Instant.EPOCH, items), VectorMatrix.of(values, dim));
    }

    @Test
    void evaluationOfFourPointsOnALine() throws Exception {
        // 1-d points a1=0, a2=1, b1=2, b2=10, and an unlabelled u=5 that is never a query and never relevant
        VectorCollection c = collection(new float[] {0, 1, 2, 10, 5}, 1,
                "a1", "a", "a2", "a", "b1", "b", "b2", "b", "u", null);
        Evaluation e = RetrievalEvaluator.evaluate(c, Metric.EUCLIDEAN, 3, 2, done -> { });
        // a1: a2 first -> AP 1; a2: a1 and b1 tie at 1, a1 (lower row) first -> AP 1;
        // b1: a2, a1, u, b2 -> b2 at rank 4 -> AP 1/4; b2: u (5), b1 (8) -> AP 1/2
        assertEquals(4, e.queries());
        assertEquals((1 + 1 + 0.25 + 0.5) / 4, e.map(), 1e-15);
        assertEquals((1 + 1 + 0 + 0) / 4.0, e.precisionAt().get("1"), 1e-15);
        // four other items, so precision at 5 counts the missing fifth as a miss: 1 relevant / 5
        assertEquals(0.2, e.precisionAt().get("5"), 1e-15);
        assertEquals((1 + 1 + 0 + 0) / 4.0, e.recallAt().get("1"), 1e-15);
        assertEquals(1.0, e.recallAt().get("20"), 1e-15);
        // weighted share: weights 20, 19, 18, 17 over ranks 1..4 (74 in all)
        double expected = (20 + 20 + 17 + 19) / 74.0 / 4;
        assertEquals(expected, e.weightedShare(), 1e-15);
        // one relevant image within reach of each "a" query: 1 of 10
        assertEquals(0.1, e.perClass().get("a").precisionAt10(), 1e-15);
        assertEquals(2, e.perClass().get("b").queries());
        assertEquals((0.25 + 0.5) / 2, e.perClass().get("b").map(), 1e-15);
    }

    @Test
    void pcaFindsTheDirectionOfMostVariance() {
        Random r = new Random(1);
        float[][] rows = new float[200][];
        for (int i = 0; i < rows.length; i++) {
            double t = r.nextGaussian() * 10;
            rows[i] = new float[] {(float) (3 * t + r.nextGaussian() * 0.1), (float) (4 * t + r.nextGaussian() * 0.1),
                (float) (r.nextGaussian() * 0.1)};
        }
        Pca.Result result = Pca.project(rows, 2);
        assertTrue(result.varianceShare()[0] > 0.999, "first axis explains almost everything");
        // the first coordinate is the position along (3, 4, 0)/5, up to the mean
        double[][] xy = result.coordinates();
        for (int i = 1; i < rows.length; i++) {
            double along = (3 * (rows[i][0] - rows[0][0]) + 4 * (rows[i][1] - rows[0][1])) / 5.0;
            assertEquals(Math.abs(along), Math.abs(xy[i][0] - xy[0][0]), 0.5);
        }
    }

    @Test
    void tsneKeepsTwoSeparateClustersApart() {
        Random r = new Random(2);
        float[][] rows = new float[60][10];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < 10; j++) {
                rows[i][j] = (float) ((i < 30 ? (j == 0 ? 5 : 0) : (j == 1 ? 5 : 0)) + r.nextGaussian() * 0.3);
            }
        }
        double[][] y = Tsne.project(rows, it -> { });
        int agree = 0;
        for (int i = 0; i < rows.length; i++) {
            int nearest = -1;
            double best = Double.MAX_VALUE;
            for (int j = 0; j < rows.length; j++) {
                double d = Math.hypot(y[i][0] - y[j][0], y[i][1] - y[j][1]);
                if (j != i && d < best) {
                    best = d;
                    nearest = j;
                }
            }
            agree += (i < 30) == (nearest < 30) ? 1 : 0;
        }
        assertEquals(rows.length, agree, "every point's 2-D nearest neighbour is in its own cluster");
    }

    @Test
    void duplicatesJoinTransitivelyAndTheThresholdIsStrict() {
        VectorCollection c = collection(new float[] {1, 0, 1, 0.01f, 1, 0.02f, 0, 1, -1, 0}, 2,
                "a.jpg", "x", "a-copy.jpg", "x", "a-copy-2.jpg", "x", "b.jpg", "y", "c.jpg", "z");
        Duplicates d = DuplicateFinder.find(c, Metric.COSINE, 3, 0.001, null);
        assertEquals(List.of(List.of("a-copy-2.jpg", "a-copy.jpg", "a.jpg")), d.groups());
        assertEquals(3, d.pairs().size());
        assertTrue(d.pairs().get(0).distance() <= d.pairs().get(2).distance());
        Duplicates none = DuplicateFinder.find(c, Metric.COSINE, 3, d.pairs().get(0).distance(), null);
        assertEquals(0, none.pairs().stream().filter(p -> p.distance() >= d.pairs().get(0).distance()).count());
        assertEquals(5, d.scanned());
    }
}
