package org.convnetplayground.vectors;

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
