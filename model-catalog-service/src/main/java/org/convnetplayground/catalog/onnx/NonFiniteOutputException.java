package org.convnetplayground.catalog.onnx;

import org.convnetplayground.onnx.graph.InvalidModelException;

/** A model whose sample run gives NaN or infinity: its numbers cannot be searched or compared. */
public class NonFiniteOutputException extends InvalidModelException {

    private final String layer;

    public NonFiniteOutputException(String layer, String message) {
        super(message);
        this.layer = layer;
    }

    /** The first tensor, in graph order, that holds a non-finite value. */
    public String layer() {
        return layer;
    }
}
