package org.convnetplayground.onnx.graph;

import java.util.List;
import java.util.Map;

/**
 * One node of the graph, in topological (file) order.
 *
 * @param index      position in the graph, from 0
 * @param name       the node name (may be empty in some exporters)
 * @param opType     the ONNX operator, e.g. "Conv"
 * @param inputs     input tensor names (initializers included)
 * @param outputs    output tensor names; the first is the node's main output
 * @param parameters elements of the initializers this node is the first to consume
 * @param weightDims shapes of the initializers among the inputs, by input position (absent for non-initializers)
 * @param attributes the node's attributes: Long, Double, String, List of Long/Double/String
 */
public record GraphNode(
        int index,
        String name,
        String opType,
        List<String> inputs,
        List<String> outputs,
        long parameters,
        Map<Integer, List<Long>> weightDims,
        Map<String, Object> attributes) {

    /** The name users know the node by: its main output tensor. */
    public String layerName() {
        return outputs.isEmpty() ? name : outputs.get(0);
    }

    public long longAttribute(String key, long fallback) {
        return attributes.get(key) instanceof Long l ? l : fallback;
    }

    @SuppressWarnings("unchecked")
    public List<Long> longsAttribute(String key) {
        return attributes.get(key) instanceof List<?> list && list.stream().allMatch(Long.class::isInstance)
                ? (List<Long>) list : List.of();
    }
}
