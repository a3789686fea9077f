package org.convnetplayground.search.collection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.convnetplayground.vectors.ExactSearch;
import org.convnetplayground.vectors.VectorMatrix;

/** A collection loaded for ranking: metadata, vectors, an id index and the exact-search engine over them. */
public final class VectorCollection {

    private final CollectionMeta meta;
    private final VectorMatrix vectors;
    private final ExactSearch search;
    private final Map<String, Integer> rows = new HashMap<>();

    public VectorCollection(CollectionMeta meta, VectorMatrix vectors) {
        if (vectors.size() != meta.size() || vectors.dim() != meta.dimension()) {
            throw new IllegalArgumentException("collection " + meta.key() + " holds " + vectors.size() + "x"
                    + vectors.dim() + " vectors for " + meta.size() + " items of dimension " + meta.dimension());
        }
        this.meta = meta;
        this.vectors = vectors;
        this.search = new ExactSearch(vectors);
        List<CollectionMeta.Item> items = meta.items();
        for (int i = 0; i < items.size(); i++) {
            rows.put(items.get(i).id(), i);
        }
    }

    public CollectionMeta meta() {
        return meta;
    }

    public CollectionKey key() {
        return meta.key();
    }

    public VectorMatrix vectors() {
        return vectors;
    }

    public ExactSearch search() {
        return search;
    }

    public OptionalInt row(String id) {
        Integer r = rows.get(id);
        return r == null ? OptionalInt.empty() : OptionalInt.of(r);
    }

    public CollectionMeta.Item item(int row) {
        return meta.items().get(row);
    }

    /** Bytes of vector data, for the memory budget. */
    public long bytes() {
        return (long) vectors.size() * vectors.dim() * Float.BYTES;
    }
}
