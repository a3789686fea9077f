package org.convnetplayground.vectors;

import java.nio.ByteBuffer;

/** {@link GraphKernels} as plain loops: one float accumulator for floats, int for bytes. */
final class ScalarGraphKernels implements GraphKernels {
    static final ScalarGraphKernels INSTANCE = new ScalarGraphKernels();

    private ScalarGraphKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dot(float[] a, float[] b) {
        check(a.length, b.length);
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public float squareDistance(float[] a, float[] b) {
        check(a.length, b.length);
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            float d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    @Override
    public int dot(byte[] a, byte[] b) {
        check(a.length, b.length);
        int s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public int squareDistance(byte[] a, byte[] b) {
        check(a.length, b.length);
        int s = 0;
        for (int i = 0; i < a.length; i++) {
            int d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    @Override
    public void dot4(byte[] q, ByteBuffer b0, int o0, ByteBuffer b1, int o1, ByteBuffer b2, int o2, ByteBuffer b3,
                     int o3, int[] out) {
        out[0] = dot(q, b0, o0);
        out[1] = dot(q, b1, o1);
        out[2] = dot(q, b2, o2);
        out[3] = dot(q, b3, o3);
    }

    private static int dot(byte[] q, ByteBuffer b, int offset) {
        int s = 0;
        for (int i = 0; i < q.length; i++) {
            s += q[i] * b.get(offset + i);
        }
        return s;
    }

    static void check(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("vectors of " + a + " and " + b + " values");
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
