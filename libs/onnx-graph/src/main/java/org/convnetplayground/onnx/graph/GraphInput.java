package org.convnetplayground.onnx.graph;

import java.util.List;

/**
 * A real input of the graph (not an initializer).
 *
 * @param name     the tensor name
 * @param dims     each dimension: a number, or the symbolic name of a dynamic one (e.g. "batch"), or "?"
 * @param elemType the ONNX element type (1 = float32)
 */
public record GraphInput(String name, List<String> dims, int elemType) {

    public static final int FLOAT = 1;

    public int rank() {
        return dims.size();
    }

    /** The dimension as a number, or -1 when it is dynamic. */
    public long dim(int i) {
        String d = dims.get(i);
        return d.chars().allMatch(Character::isDigit) && !d.isEmpty() ? Long.parseLong(d) : -1;
    }
}
