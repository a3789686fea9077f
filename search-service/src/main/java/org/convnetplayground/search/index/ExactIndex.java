package org.convnetplayground.search.index;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.ToIntFunction;
import org.convnetplayground.vectors.MappedExactSearch;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.ScoredRow;

/**
 * Every row compared with the query: a SIMD scan of the memory-mapped vectors on all cores, the best candidates
 * re-ranked in double ({@link MappedExactSearch}). The reference for every metric and every other index.
 */
public final class ExactIndex implements VectorIndex {

    private final MappedExactSearch search;
    private final IntFunction<String> idOfRow;
    private final ToIntFunction<String> rowOfId;
    /** Said when a query asked for another mode than exact; with {@code alsoForAuto}, also for mode auto. */
    private final String note;
    private final boolean alsoForAuto;

    /**
     * @param vectors the collection's rows
     * @param ids     the item id of each row, in row order
     */
    public ExactIndex(MappedVectors vectors, List<String> ids) {
        this(new MappedExactSearch(vectors), ids);
    }

    public ExactIndex(MappedExactSearch search, List<String> ids) {
        this(search, List.copyOf(ids)::get, rowMap(ids));
        if (ids.size() != search.vectors().size()) {
            throw new IllegalArgumentException(ids.size() + " ids for " + search.vectors().size() + " rows");
        }
    }

    /**
     * Over a collection that already knows its ids both ways (no copy of them is kept here).
     *
     * @param idOfRow the id of a row
     * @param rowOfId the row of an id, -1 when there is none
     */
    public ExactIndex(MappedExactSearch search, IntFunction<String> idOfRow, ToIntFunction<String> rowOfId) {
        this(search, idOfRow, rowOfId, "this collection has no approximate index; answered exactly", false);
    }

    private ExactIndex(MappedExactSearch search, IntFunction<String> idOfRow, ToIntFunction<String> rowOfId,
                       String note, boolean alsoForAuto) {
        this.search = search;
        this.idOfRow = idOfRow;
        this.rowOfId = rowOfId;
        this.note = note;
        this.alsoForAuto = alsoForAuto;
    }

    /** This index, telling every query that did not ask for exact answers why it got them ({@code note}). */
    public ExactIndex saying(String note) {
        return new ExactIndex(search, idOfRow, rowOfId, note, true);
    }

    private static ToIntFunction<String> rowMap(List<String> ids) {
        Map<String, Integer> rows = new HashMap<>(ids.size() * 4 / 3 + 1);
        for (int i = 0; i < ids.size(); i++) {
            rows.put(ids.get(i), i);
        }
        return id -> rows.getOrDefault(id, -1);
    }

    @Override
    public String kind() {
        return "exact";
    }

    @Override
    public int size() {
        return search.vectors().size();
    }

    @Override
    public int dimension() {
        return search.vectors().dim();
    }

    @Override
    public boolean approximates(Metric metric) {
        return false;
    }

    @Override
    public boolean approximateReady() {
        return false;
    }

    /** The scan behind this index (for the approximate index's re-rank). */
    public MappedExactSearch scan() {
        return search;
    }

    /** The row of an item, or -1. */
    public int row(String id) {
        return rowOfId.applyAsInt(id);
    }

    /** The id of a row. */
    public String id(int row) {
        return idOfRow.apply(row);
    }

    @Override
    public IndexAnswer search(IndexQuery q) {
        boolean say = q.mode() == SearchMode.APPROXIMATE || (alsoForAuto && q.mode() == SearchMode.AUTO);
        return new IndexAnswer(exact(q), SearchMode.EXACT, say ? note : null);
    }

    /** The exact answer, whatever mode was asked for. */
    public List<Neighbour> exact(IndexQuery q) {
        IntPredicate exclude = excluded(q);
        List<ScoredRow> rows = search.topK(q.vector(), q.metric(), q.p(), q.k(), exclude);
        return neighbours(rows);
    }

    /** The rows of the query's excluded ids, as a predicate (null when there are none). */
    public IntPredicate excluded(IndexQuery q) {
        if (q.exclude().isEmpty()) {
            return null;
        }
        int[] rows = q.exclude().stream().mapToInt(this::row).filter(r -> r >= 0).toArray();
        if (rows.length == 1) {
            int only = rows[0];
            return r -> r == only;
        }
        java.util.Set<Integer> set = new java.util.HashSet<>();
        for (int r : rows) {
            set.add(r);
        }
        return set::contains;
    }

    public List<Neighbour> neighbours(List<ScoredRow> rows) {
        List<Neighbour> out = new ArrayList<>(rows.size());
        for (ScoredRow r : rows) {
            out.add(new Neighbour(r.row(), id(r.row()), r.distance()));
        }
        return out;
    }

    @Override
    public void close() {
        // the mapping is released with the object
    }
}
