package org.convnetplayground.search.index.solr;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.convnetplayground.errors.UnavailableException;
import org.convnetplayground.search.index.ExactIndex;
import org.convnetplayground.search.index.HnswParams;
import org.convnetplayground.search.index.IndexAnswer;
import org.convnetplayground.search.index.IndexQuery;
import org.convnetplayground.search.index.Neighbour;
import org.convnetplayground.search.index.SearchMode;
import org.convnetplayground.search.index.VectorIndex;
import org.convnetplayground.vectors.Metric;

/**
 * A collection searched on SolrCloud: cosine queries ask Solr's {@code {!knn}} for {@link HnswParams#candidates}
 * candidates (every shard searches its own HNSW graph, Solr merges them; the parser has only topK, so oversampling is
 * topK itself) and re-rank them exactly under the requested metric with the same double-precision distances as the
 * exact scan: with the service's mapped copy of their vectors, or (cnp.search.solr.rerank-from-solr) with the vectors
 * Solr stores, fetched with the hits, which costs 4 to 8 times more per query (measured on 20,000 x 1,280). Metrics an HNSW graph built for cosine cannot order,
 * and {@code mode=exact}, are answered by the exact scan of the service's own memory-mapped copy of the collection
 * (the copy it keeps anyway, and that Solr is synced from): streaming every vector out of Solr instead would move the
 * whole collection over the network per query (100,000 x 1,280 floats are 512 MB), while the mapped scan reads it at
 * memory speed on one machine.
 */
public final class SolrIndex implements VectorIndex {

    private final SolrBackend solr;
    private final String collection;
    private final ExactIndex exact;
    private final HnswParams params;
    private final int crossover;
    /** Told when a query to Solr fails. */
    private final Runnable onFailure;
    /** Why Solr cannot be asked at all (an index over a cluster that did not answer), or null. */
    private final RuntimeException unreachable;

    private SolrIndex(SolrBackend solr, String collection, ExactIndex exact, HnswParams params, int crossover,
                      Runnable onFailure, RuntimeException unreachable) {
        this.solr = solr;
        this.collection = collection;
        this.exact = exact;
        this.params = params;
        this.crossover = crossover;
        this.onFailure = onFailure;
        this.unreachable = unreachable;
    }

    /**
     * @param collection the Solr collection, in step with {@code exact}'s rows (see {@link SolrBackend#sync})
     * @param crossover  the collection size from which {@link SearchMode#AUTO} answers approximately
     * @param onFailure  told when a query to Solr fails (before its 503 is thrown)
     */
    public static SolrIndex open(SolrBackend solr, String collection, ExactIndex exact, HnswParams params,
                                 int crossover, Runnable onFailure) {
        return new SolrIndex(solr, collection, exact, params, crossover, onFailure, null);
    }

    /**
     * The index of a collection while its cluster does not answer: what the exact scan answers anyway (exact mode,
     * metrics other than cosine, small collections in auto mode) is answered, the rest fails with {@code failure}.
     */
    public static SolrIndex unreachable(ExactIndex exact, RuntimeException failure, int crossover) {
        return new SolrIndex(null, null, exact, null, crossover, () -> { }, failure);
    }

    /** The Solr collection searched. */
    public String collection() {
        return collection;
    }

    @Override
    public String kind() {
        return "solr";
    }

    @Override
    public int size() {
        return exact.size();
    }

    @Override
    public int dimension() {
        return exact.dimension();
    }

    @Override
    public boolean approximates(Metric metric) {
        return metric == Metric.COSINE;
    }

    @Override
    public boolean approximateReady() {
        return unreachable == null;
    }

    @Override
    public IndexAnswer search(IndexQuery q) {
        if (q.mode() == SearchMode.EXACT) {
            return new IndexAnswer(exact.exact(q), SearchMode.EXACT, null);
        }
        if (!approximates(q.metric())) {
            return new IndexAnswer(exact.exact(q), SearchMode.EXACT, "Solr's HNSW graphs order by cosine; "
                    + q.metric().id() + " is answered exactly from the service's copy of the collection");
        }
        if (q.mode() == SearchMode.AUTO && size() < crossover) {
            return new IndexAnswer(exact.exact(q), SearchMode.EXACT, null);
        }
        if (q.vector().length == dimension() && SolrBackend.isZero(q.vector())) {
            // every cosine distance to a zero vector is undefined: nothing to approximate
            return new IndexAnswer(exact.exact(q), SearchMode.EXACT, "the cosine of a zero vector is undefined; "
                    + "answered exactly");
        }
        if (unreachable != null) {
            throw unreachable;
        }
        try {
            return new IndexAnswer(approximate(q), SearchMode.APPROXIMATE, null);
        } catch (UnavailableException e) {
            onFailure.run();
            throw e;
        }
    }

    private List<Neighbour> approximate(IndexQuery q) {
        if (q.vector().length != dimension()) {
            throw new IllegalArgumentException("query has dimension " + q.vector().length + ", collection has "
                    + dimension());
        }
        if (q.k() < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + q.k());
        }
        for (float v : q.vector()) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("the query vector has a non-finite value: " + v);
            }
        }
        int wanted = Math.min(size(), params.candidates(q.k()) + q.exclude().size());
        if (wanted == 0 || q.k() == 0) {
            return List.of();
        }
        IntPredicate excluded = exact.excluded(q);
        boolean fetchVectors = solr.settings().rerankFromSolr();
        List<SolrBackend.KnnHit> hits = solr.knn(collection, q.vector(), wanted, fetchVectors);
        if (!fetchVectors) {
            int[] rows = new int[hits.size()];
            int n = 0;
            for (SolrBackend.KnnHit hit : hits) {
                int row = exact.row(hit.id());
                if (row >= 0 && (excluded == null || !excluded.test(row))) {
                    rows[n++] = row;
                }
            }
            return exact.neighbours(new ArrayList<>(exact.scan().rerank(q.vector(), q.metric(), q.p(),
                    java.util.Arrays.copyOf(rows, n), q.k())));
        }
        List<Ranked> ranked = new ArrayList<>(hits.size());
        for (SolrBackend.KnnHit hit : hits) {
            int row = exact.row(hit.id());
            // an id the service's copy lacks cannot be: the Solr collection is marked in step with it
            if (row < 0 || hit.vector() == null || (excluded != null && excluded.test(row))) {
                continue;
            }
            ranked.add(new Ranked(row, hit.id(), q.metric().distance(q.vector(), hit.vector(), q.p())));
        }
        ranked.sort(SolrIndex::compare);
        List<Neighbour> out = new ArrayList<>(Math.min(q.k(), ranked.size()));
        for (int i = 0; i < ranked.size() && i < q.k(); i++) {
            out.add(new Neighbour(ranked.get(i).row(), ranked.get(i).id(), ranked.get(i).distance()));
        }
        return out;
    }

    private record Ranked(int row, String id, double distance) {
    }

    /** The exact scan's order: ascending distance, undefined ones last, then row order. */
    private static int compare(Ranked a, Ranked b) {
        if (a.distance() < b.distance()) {
            return -1;
        }
        if (a.distance() > b.distance()) {
            return 1;
        }
        boolean nanA = Double.isNaN(a.distance());
        if (nanA != Double.isNaN(b.distance())) {
            return nanA ? 1 : -1;
        }
        return Integer.compare(a.row(), b.row());
    }

    @Override
    public void close() {
        // the cluster client belongs to the backend, shared by every collection
    }
}
