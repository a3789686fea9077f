package org.convnetplayground.catalog.graph;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Picks the handful of layers the UI offers first: spatial maps spread evenly from the first convolution to the
 * last map before the classifier, plus the final pooled embedding. Candidates are the publisher's named layers when
 * there are any (they are the block outputs people know), otherwise every spatial layer.
 */
final class FeatureLayerSelector {

    private FeatureLayerSelector() {
    }

    /**
     * @param layers      the whole layer table, in graph order
     * @param named       the publisher's named layers ({@code feature_layers} in model.json), possibly empty
     * @param numClasses  classes of the classifier head, 0 for feature extractors
     * @param spread      how many spatial layers to pick
     * @return the chosen layer names, in graph order, and the embedding layer's name
     */
    static Selection select(List<Layer> layers, List<String> named, int numClasses, int spread) {
        Map<String, Layer> byName = layers.stream().collect(Collectors.toMap(Layer::name, Function.identity(), (a, b) -> a));
        List<Layer> pool = named.isEmpty() ? layers
                : named.stream().map(byName::get).filter(l -> l != null).sorted((a, b) -> a.index() - b.index()).toList();

        // the classifier starts at the first layer whose channels equal the class count (conv10, Logits, ...)
        int classifierStart = Integer.MAX_VALUE;
        if (numClasses > 0) {
            for (Layer l : layers) {
                if (l.outputShape().size() >= 2 && l.outputShape().get(1) == numClasses) {
                    classifierStart = l.index();
                    break;
                }
            }
        }
        final int headAt = classifierStart;
        List<Layer> spatial = pool.stream()
                .filter(l -> l.isSpatial() && l.index() < headAt && spatialArea(l) > 1).toList();

        String embedding = embeddingLayer(layers, byName, spatial);
        // a feature extractor's embedding is its last map, itself one of the spread: spread one more
        boolean embeddingIsSpatial = !spatial.isEmpty() && spatial.get(spatial.size() - 1).name().equals(embedding);
        Set<String> chosen = new LinkedHashSet<>();
        int n = spatial.size();
        int want = Math.min(embeddingIsSpatial ? spread + 1 : spread, n);
        for (int i = 0; i < want; i++) {
            // evenly spaced positions including the first and the last candidate
            int at = want == 1 ? n - 1 : (int) Math.round(i * (n - 1) / (double) (want - 1));
            chosen.add(spatial.get(at).name());
        }
        if (embedding != null) {
            chosen.add(embedding);
        }
        List<String> ordered = new ArrayList<>(chosen);
        ordered.sort((a, b) -> byName.get(a).index() - byName.get(b).index());
        return new Selection(List.copyOf(ordered), embedding);
    }

    /** "global_pool" when the model has it; else the pooled output of the last spatial layer (pooled on request). */
    private static String embeddingLayer(List<Layer> layers, Map<String, Layer> byName, List<Layer> spatial) {
        Layer pooled = byName.get("global_pool");
        if (pooled != null) {
            return pooled.name();
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            if (l.op().equals("GlobalAveragePool") || (l.op().equals("ReduceMean") && spatialArea(l) == 1)) {
                return l.name();
            }
        }
        return spatial.isEmpty() ? null : spatial.get(spatial.size() - 1).name();
    }

    private static long spatialArea(Layer l) {
        List<Long> s = l.outputShape();
        return s.size() == 4 ? s.get(2) * s.get(3) : 1;
    }

    record Selection(List<String> featureLayers, String embeddingLayer) {
    }
}
