package org.convnetplayground.vectors;

import java.nio.ByteBuffer;

/** {@link BufferKernels} in double, left to right: the reference, and the fallback without the Vector API. */
final class ScalarBufferKernels implements BufferKernels {
    static final ScalarBufferKernels INSTANCE = new ScalarBufferKernels();

    private ScalarBufferKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public double dot(float[] q, ByteBuffer b, int off, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += (double) q[i] * b.getFloat(off + i * Float.BYTES);
        }
        return s;
    }

    @Override
    public double squaredL2(float[] q, ByteBuffer b, int off, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            double d = (double) q[i] - b.getFloat(off + i * Float.BYTES);
            s += d * d;
        }
        return s;
    }
}
