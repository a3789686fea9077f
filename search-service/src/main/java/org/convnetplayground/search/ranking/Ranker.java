package org.convnetplayground.search.ranking;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.index.Neighbour;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.ScoredRow;

/** Exact top-k over a collection, with similarity percentages. */
@ApplicationScoped
public class Ranker {

    /** Scales kept by a Ranker made without one: room for about 5,000. */
    private static final long DEFAULT_SCALES_BYTES = 1_000_000;

    private final Timer timer;
    private final SimilarityScales scales;

    @Inject
    public Ranker(MeterRegistry registry, SimilarityScales scales) {
        this.timer = Timer.builder("cnp.query.ranking").description("Time to rank a collection for one query")
                .publishPercentiles(0.5, 0.95).register(registry);
        this.scales = scales;
    }

    /** A ranker with its own similarity scales. */
    public Ranker(MeterRegistry registry) {
        this(registry, new SimilarityScales(DEFAULT_SCALES_BYTES, registry));
    }

    /**
     * @param query      the query vector (same dimension as the collection)
     * @param excludeRow a row to leave out (the query item itself), or -1
     */
    public List<Hit> rank(VectorCollection c, float[] query, Metric metric, double p, int k, int excludeRow) {
        return rank(c, query, metric, p, k, excludeRow, scales.typical(c, metric, p));
    }

    /**
     * As {@link #rank}, for a collection seen once (the rows a build has stored so far): its typical distance is
     * computed for it and not kept, since the next look at the build has more rows.
     */
    public List<Hit> rankOnce(VectorCollection c, float[] query, Metric metric, double p, int k, int excludeRow) {
        return rank(c, query, metric, p, k, excludeRow, Similarity.typicalDistance(c, metric, p));
    }

    private List<Hit> rank(VectorCollection c, float[] query, Metric metric, double p, int k, int excludeRow,
                           double typical) {
        IntPredicate exclude = excludeRow < 0 ? null : row -> row == excludeRow;
        long start = System.nanoTime();
        List<ScoredRow> rows = c.search().topK(query, metric, p, k, exclude);
        timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        List<Hit> hits = new ArrayList<>(rows.size());
        for (ScoredRow r : rows) {
            CollectionMeta.Item item = c.item(r.row());
            double d = r.distance();
            // NaN (undefined) and infinity (bray-curtis x/0) have no JSON number: null, ranked last
            hits.add(new Hit(hits.size() + 1, item.id(), item.label(), Double.isFinite(d) ? d : null,
                    Similarity.percent(d, typical)));
        }
        return hits;
    }
    /**
     * The hits of neighbours an index found (exact distances, nearest first), with similarity percentages; the time
     * the index took is recorded like {@link #rank}'s.
     */
    public List<Hit> hits(VectorCollection c, List<Neighbour> neighbours, Metric metric, double p, long searchNanos) {
        timer.record(searchNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        double typical = scales.typical(c, metric, p);
        List<Hit> hits = new ArrayList<>(neighbours.size());
        for (Neighbour n : neighbours) {
            String label = item(c, n).map(CollectionMeta.Item::label).orElse(null);
            double d = n.distance();
            // NaN (undefined) and infinity (bray-curtis x/0) have no JSON number: null, ranked last
            hits.add(new Hit(hits.size() + 1, n.id(), label, Double.isFinite(d) ? d : null,
                    Similarity.percent(d, typical)));
        }
        return hits;
    }

    /** The neighbour's item: at its row when that is the same item in {@code c}, else looked up by id. */
    private static java.util.Optional<CollectionMeta.Item> item(VectorCollection c, Neighbour n) {
        if (n.row() >= 0 && n.row() < c.meta().size()) {
            CollectionMeta.Item item = c.item(n.row());
            if (item.id().equals(n.id())) {
                return java.util.Optional.of(item);
            }
        }
        java.util.OptionalInt row = c.row(n.id());
        return row.isPresent() ? java.util.Optional.of(c.item(row.getAsInt())) : java.util.Optional.empty();
    }
}
