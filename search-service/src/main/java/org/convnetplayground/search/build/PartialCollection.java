package org.convnetplayground.search.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.vectors.MappedVectors;

/**
 * A collection while it is built: the rows stored so far in its staging file, searchable before the build ends, so
 * that a query on a large dataset gets hits among the images done so far within seconds. Memory holds the items,
 * never the vectors (they are mapped from the staging file, a prefix of the rows at a time).
 */
public final class PartialCollection {

    /** Query vectors computed for images not stored yet, kept so that a client asking again does not pay twice. */
    private static final int QUERY_VECTORS = 32;

    private final CollectionKey key;
    private final Path vectors;
    private final Instant started = Instant.now();
    /** Guarded by this. */
    private final List<CollectionMeta.Item> items = new ArrayList<>();
    private int dimension;
    private long total;
    private boolean closed;
    private final Map<String, float[]> queryVectors = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > QUERY_VECTORS;
        }
    };

    /**
     * @param key     the collection being built
     * @param vectors its staging file, to which rows are appended (float32 little-endian)
     */
    PartialCollection(CollectionKey key, Path vectors) {
        this.key = key;
        this.vectors = vectors;
    }

    public CollectionKey key() {
        return key;
    }

    /** Takes rows just appended (and flushed) to the staging file. */
    synchronized void appended(List<CollectionMeta.Item> rows, int dimension) {
        this.dimension = dimension;
        items.addAll(rows);
    }

    /** Takes the number of images being extracted, once known. */
    synchronized void total(long total) {
        this.total = total;
    }

    /** Ends the partial view before the staging file is moved or deleted. */
    synchronized void close() {
        closed = true;
    }

    /** Images in the dataset being extracted (0 while unknown). */
    public synchronized long total() {
        return total;
    }

    /**
     * The rows stored so far as a collection to rank exactly (its metadata names no dataset version: it is no stored
     * collection), or empty when none are stored yet or the build has ended.
     */
    public synchronized Optional<VectorCollection> snapshot() {
        if (closed || items.isEmpty()) {
            return Optional.empty();
        }
        try {
            MappedVectors rows = MappedVectors.open(vectors, 0, dimension, items.size());
            return Optional.of(new VectorCollection(new CollectionMeta(key, dimension, null, null, started,
                    List.copyOf(items)), rows));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rows of " + key + " stored so far", e);
        }
    }

    /** A query vector computed earlier for an image not stored yet. */
    public synchronized Optional<float[]> queryVector(String id) {
        return Optional.ofNullable(queryVectors.get(id));
    }

    public synchronized void keepQueryVector(String id, float[] vector) {
        queryVectors.put(id, vector);
    }
}
