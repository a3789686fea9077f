package org.convnetplayground.features.extraction;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows an extraction job has written so far: which images they are, in row order, and each layer's vector
 * dimension. Readers take rows while the job runs (the search-service stores them as batches finish) instead of
 * waiting for its end. A row is listed only once its vectors are in every layer's file.
 */
public final class ExtractionRows {

    private final List<ExtractionResult.LayerVectors> layers;
    /** Guarded by this; only ever appended to. */
    private final List<ExtractionResult.Item> items = new ArrayList<>();

    ExtractionRows(List<ExtractionResult.LayerVectors> layers) {
        this.layers = List.copyOf(layers);
    }

    /** Each layer with its vector dimension, in the order of the job's files. */
    public List<ExtractionResult.LayerVectors> layers() {
        return layers;
    }

    /** Rows written so far. */
    public synchronized int size() {
        return items.size();
    }

    /** Up to {@code limit} items from row {@code from} on (fewer, or none, when fewer are written). */
    public synchronized List<ExtractionResult.Item> items(int from, int limit) {
        int to = (int) Math.min(items.size(), (long) from + limit);
        return from >= to ? List.of() : List.copyOf(items.subList(from, to));
    }

    /** Every row's item, in row order. */
    synchronized List<ExtractionResult.Item> all() {
        return List.copyOf(items);
    }

    /** Lists rows whose vectors have just been written to every layer's file. */
    synchronized void added(List<ExtractionResult.Item> rows) {
        items.addAll(rows);
    }
}
