package org.convnetplayground.inference.onnx;

import java.nio.FloatBuffer;

/**
 * One layer's output for a batch, copied out of ONNX Runtime.
 *
 * @param shape the tensor shape, batch first
 * @param data  the values, row-major
 */
public record LayerOutput(long[] shape, FloatBuffer data) {

    /** Values per image. */
    public int perImage() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return (int) n;
    }
}
