package org.convnetplayground.onnx.graph;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of an ONNX graph that the catalog and the extractor reason about: inputs, nodes in order with their
 * parameter counts, and outputs. Weight values are not kept here (see {@link OnnxModel#initializerFloats}).
 */
public final class OnnxGraph {

    private final List<GraphInput> inputs;
    private final List<GraphNode> nodes;
    private final List<String> outputs;
    private final Map<String, GraphNode> producers = new LinkedHashMap<>();
    private final long parameterCount;

    OnnxGraph(List<GraphInput> inputs, List<GraphNode> nodes, List<String> outputs, long parameterCount) {
        this.inputs = List.copyOf(inputs);
        this.nodes = List.copyOf(nodes);
        this.outputs = List.copyOf(outputs);
        this.parameterCount = parameterCount;
        for (GraphNode n : nodes) {
            for (String o : n.outputs()) {
                producers.putIfAbsent(o, n);
            }
        }
    }

    /** The graph inputs that are not initializers. */
    public List<GraphInput> inputs() {
        return inputs;
    }

    public List<GraphNode> nodes() {
        return nodes;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** Total elements over all initializers; equals the sum of {@link GraphNode#parameters()} over nodes. */
    public long parameterCount() {
        return parameterCount;
    }

    public Optional<GraphNode> producerOf(String tensor) {
        return Optional.ofNullable(producers.get(tensor));
    }

    /** Every tensor a node produces, in graph order. */
    public Set<String> producedTensors() {
        return new LinkedHashSet<>(producers.keySet());
    }
}
