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
    public void dot4(float[] q, ByteBuffer b0, int o0, ByteBuffer b1, int o1, ByteBuffer b2, int o2, ByteBuffer b3,
                     int o3, int len, double[] out) {
        out[0] = dot(q, b0, o0, len);
        out[1] = dot(q, b1, o1, len);
        out[2] = dot(q, b2, o2, len);
        out[3] = dot(q, b3, o3, len);
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
