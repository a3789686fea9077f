package org.convnetplayground.search.collection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.VectorMatrix;

/**
 * A collection opened for ranking: metadata, its rows (memory-mapped from disk for stored collections, never copied
 * whole into the heap), an id index and the exact search over them.
 */
public final class VectorCollection {

    private final CollectionMeta meta;
    private final CollectionVectors vectors;
    private final Map<String, Integer> rows = new HashMap<>();

    /** A collection whose rows are on the heap (small ones, in tests). */
    public VectorCollection(CollectionMeta meta, VectorMatrix vectors) {
        this(meta, CollectionVectors.onHeap(vectors));
    }

    /** A stored collection, its rows mapped from its file. */
    public VectorCollection(CollectionMeta meta, MappedVectors vectors) {
        this(meta, CollectionVectors.mapped(vectors));
    }

    private VectorCollection(CollectionMeta meta, CollectionVectors vectors) {
        if (vectors.size() != meta.size() || vectors.dim() != meta.dimension()) {
            throw new IllegalArgumentException("collection " + meta.key() + " holds " + vectors.size() + "x"
                    + vectors.dim() + " vectors for " + meta.size() + " items of dimension " + meta.dimension());
        }
        this.meta = meta;
        this.vectors = vectors;
        List<CollectionMeta.Item> items = meta.items();
        for (int i = 0; i < items.size(); i++) {
            rows.put(items.get(i).id(), i);
        }
    }

    /** The same collection with its nearest-neighbour queries answered by {@code search} (an approximate index). */
    public VectorCollection withSearch(CollectionVectors search) {
        return new VectorCollection(meta, search);
    }

    public CollectionMeta meta() {
        return meta;
    }

    public CollectionKey key() {
        return meta.key();
    }

    public CollectionVectors vectors() {
        return vectors;
    }

    /** The exact search over the rows (the same object as {@link #vectors()}). */
    public CollectionVectors search() {
        return vectors;
    }

    /** The mapped rows of a stored collection, for its indexes; empty for a collection on the heap. */
    public Optional<CollectionVectors.Mapped> mapped() {
        return vectors instanceof CollectionVectors.Mapped m ? Optional.of(m) : Optional.empty();
    }

    public OptionalInt row(String id) {
        Integer r = rows.get(id);
        return r == null ? OptionalInt.empty() : OptionalInt.of(r);
    }

    /**
     * The error for an id this collection does not hold: its ids if a few, else ten of them, and where they are all
     * listed (the collection's items: an imported collection's dataset may have no images anywhere else).
     */
    public UnknownNameException unknownItem(String id) {
        String kind = meta.isImported() ? "item" : "image";
        String context = "in collection " + key();
        List<String> some = meta.items().stream().limit(10).map(CollectionMeta.Item::id).toList();
        return meta.items().size() <= some.size()
                ? UnknownNameException.unknown(kind, id, context, some, key().itemsPath())
                : UnknownNameException.unknownAmong(kind, id, context, some, key().itemsPath());
    }

    public CollectionMeta.Item item(int row) {
        return meta.items().get(row);
    }

    /** Bytes of vector data, for the budget of collections kept open. */
    public long bytes() {
        return (long) vectors.size() * vectors.dim() * Float.BYTES;
    }
}
