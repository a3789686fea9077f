package org.convnetplayground.catalog.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.convnetplayground.onnx.graph.GraphNode;
import org.convnetplayground.onnx.graph.OnnxGraph;

/**
 * Every layer of one model with shapes, parameters and FLOPs, plus the curated feature layers.
 *
 * @param layers         one per graph node, in graph order
 * @param featureLayers  the curated layers, in graph order
 * @param embeddingLayer the final pooled embedding (or the last map, for feature extractors)
 * @param parameters     total weights (equals the sum over layers)
 * @param flops          total multiply-adds per image
 */
public record LayerTable(
        List<Layer> layers,
        List<String> featureLayers,
        String embeddingLayer,
        long parameters,
        long flops) {

    /**
     * @param graph      the parsed graph
     * @param shapes     output shape per tensor, batch as -1
     * @param named      the publisher's named layers, possibly empty
     * @param numClasses the classifier's class count, 0 for feature extractors
     * @param spread     how many spatial feature layers to pick
     */
    public static LayerTable build(OnnxGraph graph, Map<String, List<Long>> shapes, List<String> named,
                                   int numClasses, int spread) {
        Set<String> known = new HashSet<>();
        graph.inputs().forEach(i -> known.add(i.name()));
        List<Layer> layers = new ArrayList<>(graph.nodes().size());
        long cumulative = 0;
        long totalFlops = 0;
        for (GraphNode node : graph.nodes()) {
            List<Long> shape = shapes.getOrDefault(node.layerName(), List.of());
            long flops = Flops.of(node, shape);
            cumulative += node.parameters();
            totalFlops += flops;
            List<String> inputs = node.inputs().stream().filter(known::contains).toList();
            layers.add(new Layer(node.index(), node.layerName(), node.name(), node.opType(), inputs, shape,
                    node.parameters(), cumulative, flops, false, Layer.searchable(shape)));
            known.addAll(node.outputs());
        }
        FeatureLayerSelector.Selection selection = FeatureLayerSelector.select(layers, named, numClasses, spread);
        Set<String> chosen = Set.copyOf(selection.featureLayers());
        List<Layer> marked = layers.stream().map(l -> chosen.contains(l.name()) ? l.asFeature() : l).toList();
        return new LayerTable(marked, selection.featureLayers(), selection.embeddingLayer(), cumulative, totalFlops);
    }
}
