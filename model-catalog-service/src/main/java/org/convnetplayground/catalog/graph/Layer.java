package org.convnetplayground.catalog.graph;

import java.util.List;

/**
 * One node of a model's graph as users see it: named by its output tensor.
 *
 * @param index                position in the graph, from 0
 * @param name                 the output tensor's name; the name to request features by
 * @param node                 the ONNX node's own name
 * @param op                   the ONNX operator
 * @param inputs               the tensors it reads that other layers (or the graph input) produce
 * @param outputShape          the output shape with the batch dimension as -1
 * @param parameters           weights this layer owns
 * @param cumulativeParameters weights of this layer and every layer before it
 * @param flops                multiply-adds per image (Conv, Gemm, MatMul; 0 for other ops)
 * @param feature              whether it is one of the model's curated feature layers
 * @param searchable           whether it yields one vector per image (a batch-first output of 2 to 4
 *                             dimensions), i.e. can be extracted and searched; constants and shape tensors cannot
 */
public record Layer(
        int index,
        String name,
        String node,
        String op,
        List<String> inputs,
        List<Long> outputShape,
        long parameters,
        long cumulativeParameters,
        long flops,
        boolean feature,
        boolean searchable) {

    /** Whether an output of this shape is one vector (or map) per image. */
    static boolean searchable(List<Long> shape) {
        return shape.size() >= 2 && shape.size() <= 4 && shape.get(0) == -1
                && shape.stream().skip(1).allMatch(d -> d > 0);
    }

    /** A spatial map: batch, channels and two spatial dimensions. */
    public boolean isSpatial() {
        return outputShape.size() == 4;
    }

    Layer asFeature() {
        return new Layer(index, name, node, op, inputs, outputShape, parameters, cumulativeParameters, flops, true,
                searchable);
    }
}
