package org.convnetplayground.catalog.graph;

import java.util.List;
import org.convnetplayground.onnx.graph.GraphNode;

/** Multiply-adds per image of the ops that dominate a CNN's cost; other ops count as 0. */
final class Flops {

    private Flops() {
    }

    static long of(GraphNode node, List<Long> outputShape) {
        long outputsPerImage = elementsPerImage(outputShape);
        if (outputsPerImage <= 0) {
            return 0;
        }
        return switch (node.opType()) {
            // weight [C_out, C_in/group, kH, kW]: each output element costs C_in/group * kH * kW multiply-adds
            case "Conv" -> {
                List<Long> w = node.weightDims().get(1);
                yield w == null || w.size() < 2 ? 0 : outputsPerImage * product(w.subList(1, w.size()));
            }
            // y = A B: each output element costs K multiply-adds, K being B's (or transposed B's) inner dimension
            case "Gemm" -> {
                List<Long> b = node.weightDims().get(1);
                if (b == null || b.size() != 2) {
                    yield 0;
                }
                long k = node.longAttribute("transB", 0) == 1 ? b.get(1) : b.get(0);
                yield outputsPerImage * k;
            }
            case "MatMul" -> {
                List<Long> b = node.weightDims().get(1);
                yield b == null || b.size() < 2 ? 0 : outputsPerImage * b.get(b.size() - 2);
            }
            default -> 0;
        };
    }

    private static long elementsPerImage(List<Long> shape) {
        if (shape.isEmpty()) {
            return 0;
        }
        long n = 1;
        for (int i = 1; i < shape.size(); i++) {
            if (shape.get(i) < 0) {
                return 0;
            }
            n *= shape.get(i);
        }
        return n;
    }

    private static long product(List<Long> dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }
}
