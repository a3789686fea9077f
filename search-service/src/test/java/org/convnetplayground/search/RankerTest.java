package org.convnetplayground.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.ranking.Hit;
import org.convnetplayground.search.ranking.Ranker;
import org.convnetplayground.search.ranking.Similarity;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.VectorMatrix;
import org.junit.jupiter.api.Test;

class RankerTest {

    /** Four 2-d vectors: a, a nearly parallel one, an orthogonal one, the zero vector. */
    static VectorCollection tiny() {
        float[] v = {
            1, 0,
            2, 0.2f,
            0, 3,
            0, 0};
        List<CollectionMeta.Item> items = List.of(new CollectionMeta.Item("a.jpg", "x"),
                new CollectionMeta.Item("b.jpg", "x"), new CollectionMeta.Item("c.jpg", "y"),
                new CollectionMeta.Item("zero.jpg", null));
        return new VectorCollection(new CollectionMeta(new CollectionKey("d", "m", "l", "avg"), 2, "v1", "sha",
                Instant.EPOCH, items), VectorMatrix.of(v, 2));
    }

    private final Ranker ranker = new Ranker(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

    @Test
    void cosineOrderAndPercentagesAreExact() {
        VectorCollection c = tiny();
        List<Hit> hits = ranker.rank(c, new float[] {1, 0}, Metric.COSINE, 3, 10, 0);
        assertEquals(List.of("b.jpg", "c.jpg", "zero.jpg"), hits.stream().map(Hit::id).toList());
        double cosB = 2 / Math.sqrt(4 + 0.2f * 0.2f);
        assertEquals(1 - cosB, hits.get(0).distance(), 1e-7);
        // pairs with a defined cosine: (a,b) 1-cosB, (a,c) 1, (b,c) 1-0.2/sqrt(4.04); their median is (b,c)
        double typical = 1 - 0.2f / Math.sqrt(4 + 0.2f * 0.2f);
        assertEquals(typical, Similarity.typicalDistance(c, Metric.COSINE, 3), 1e-6);
        assertEquals(100 * Math.pow(2, -(1 - cosB) / typical), hits.get(0).similarity(), 1e-4);
        assertEquals(1.0, hits.get(1).distance(), 1e-12);
        assertEquals(100 * Math.pow(2, -1 / typical), hits.get(1).similarity(), 1e-4);
        // cosine with the zero vector is undefined (SciPy: nan): last, no distance, 0%
        assertNull(hits.get(2).distance());
        assertEquals(0.0, hits.get(2).similarity());
        assertEquals(List.of(1, 2, 3), hits.stream().map(Hit::rank).toList());
    }

    @Test
    void euclideanScaleMakesIdenticalVectors100AndNeverIncreases() {
        VectorCollection c = tiny();
        List<Hit> hits = ranker.rank(c, new float[] {1, 0}, Metric.EUCLIDEAN, 3, 10, -1);
        assertEquals("a.jpg", hits.get(0).id());
        assertEquals(0.0, hits.get(0).distance(), 0);
        assertEquals(100.0, hits.get(0).similarity(), 1e-12);
        for (int i = 1; i < hits.size(); i++) {
            assertTrue(hits.get(i).distance() >= hits.get(i - 1).distance());
            assertTrue(hits.get(i).similarity() <= hits.get(i - 1).similarity());
        }
        double m = Similarity.typicalDistance(c, Metric.EUCLIDEAN, 3);
        assertEquals(100 * Math.pow(2, -hits.get(1).distance() / m), hits.get(1).similarity(), 1e-9);
    }

    @Test
    void kLargerThanTheCollectionReturnsEveryOtherItem() {
        assertEquals(3, ranker.rank(tiny(), new float[] {0, 1}, Metric.CITYBLOCK, 3, 1000, 2).size());
    }

    @Test
    void percentagesAreBoundedMonotoneAndHalfForATypicalPair() {
        double previous = 101;
        for (double d = 0; d < 50; d += 0.25) {
            double s = Similarity.percent(d, 4.0);
            assertTrue(s >= 0 && s <= 100, "at " + d);
            assertTrue(s <= previous, "not monotone at " + d);
            previous = s;
        }
        assertEquals(100.0, Similarity.percent(0, 4.0), 0);
        assertEquals(50.0, Similarity.percent(4.0, 4.0), 1e-12);
        assertEquals(0.0, Similarity.percent(Double.NaN, 4.0), 0);
    }
}
