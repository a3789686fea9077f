package org.convnetplayground.onnx.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.convnetplayground.onnx.graph.OnnxModel;

/**
 * Checks a generated gradient against central finite differences of the forward model, both run by ONNX Runtime:
 * the forward objective is accumulated in double from the layer's float32 values, so the differences are limited
 * by float32 rounding of the layer only.
 */
final class GradientCheck implements AutoCloseable {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private final OrtSession forward;
    private final OrtSession gradient;
    private final GradientGraph graph;
    private final String layer;
    private final long[] inputShape;

    GradientCheck(byte[] model, long[] inputShape, Objective objective) throws OrtException {
        this(OnnxModel.parse(model), inputShape, objective);
    }

    GradientCheck(OnnxModel model, long[] inputShape, Objective objective) throws OrtException {
        this.graph = GradientGraphs.generate(model, inputShape, objective, List.of());
        this.layer = objective.layer();
        this.inputShape = inputShape.clone();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            this.forward = ENV.createSession(model.withOutputs(List.of(layer)), options);
            this.gradient = ENV.createSession(graph.model(), options);
        }
    }

    GradientGraph graph() {
        return graph;
    }

    /** The layer's values for an input, as doubles. */
    float[] layer(float[] x) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), inputShape);
             OrtSession.Result r = forward.run(Map.of(graph.input(), t), Set.of(layer))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }

    /** The generated graph's outputs: [0] the objective per image, [1] the input gradient. */
    float[][] run(float[] x, float[] objectiveInput) throws OrtException {
        long[] shape = graph.objectiveInputShape().stream().mapToLong(Long::longValue).toArray();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), inputShape);
             OnnxTensor o = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(objectiveInput), shape)) {
            inputs.put(graph.input(), t);
            inputs.put(graph.objectiveInput(), o);
            try (OrtSession.Result r = gradient.run(inputs)) {
                float[][] out = new float[2][];
                for (int i = 0; i < 2; i++) {
                    String name = i == 0 ? GradientGraph.OBJECTIVE : GradientGraph.GRADIENT;
                    FloatBuffer b = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
                    out[i] = new float[b.remaining()];
                    b.get(out[i]);
                }
                return out;
            }
        }
    }

    /** Σ seed · layer over the whole batch, in double. */
    double weighted(float[] x, float[] seed) throws OrtException {
        float[] y = layer(x);
        assertEquals(seed.length, y.length, "seed and layer sizes");
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (double) seed[i] * y[i];
        }
        return s;
    }

    /**
     * Compares the generated gradient of Σ seed · layer (a {@link Objective.Weighted}) with central differences along
     * random directions and along single coordinates.
     */
    void checkWeighted(long seedValue, double epsilon, double tolerance) throws OrtException {
        Random random = new Random(seedValue);
        float[] x = gaussian(random, size(inputShape), 1);
        float[] seed = gaussian(random, (int) graph.objectiveInputSize(), 1);
        float[][] out = run(x, seed);
        assertEquals(size(inputShape), out[1].length, "gradient size");
        double f = weighted(x, seed);
        double objectiveSum = 0;
        for (float v : out[0]) {
            objectiveSum += v;
        }
        assertEquals(f, objectiveSum, 1e-4 * (1 + Math.abs(f)), "the graph's objective equals the forward model's");
        Objectives fn = xx -> weighted(xx, seed);
        checkDirections(fn, x, out[1], random, epsilon, tolerance);
    }

    /** A function of the input evaluated in double. */
    interface Objectives {
        double at(float[] x) throws OrtException;
    }

    /**
     * Checks three random directions and three single coordinates, each by the central difference over a step of
     * {@code epsilon} (half on each side). A step over which the function is not smooth (a ReLU or a max pool
     * switching inside it) says nothing about the derivative at x; it shows as a second difference
     * |f(x+h) - 2 f(x) + f(x-h)| / h of at least twice the central difference's error, so a direction whose second
     * difference exceeds the tolerance is replaced by another, at most 20 times in all.
     */
    static void checkDirections(Objectives f, float[] x, float[] grad, Random random, double epsilon,
                                double tolerance) throws OrtException {
        double gradNorm = Math.sqrt(dot(grad, grad));
        assertTrue(gradNorm > 0, "the gradient is not all zero");
        double f0 = f.at(x);
        int checked = 0;
        int attempts = 0;
        while (checked < 6) {
            assertTrue(++attempts <= 26, "too many steps over kinks: only " + checked + " directions checked");
            float[] d;
            boolean coordinate = checked >= 3;
            int at = random.nextInt(x.length);
            if (coordinate) {
                d = new float[x.length];
                d[at] = 1;
            } else {
                d = gaussian(random, x.length, 1);
            }
            double half = epsilon / 2;
            float[] plus = step(x, d, half);
            float[] minus = step(x, d, -half);
            double h = taken(plus, minus, d) / 2;
            double fPlus = f.at(plus);
            double fMinus = f.at(minus);
            double fd = (fPlus - fMinus) / (2 * h);
            double bend = Math.abs(fPlus - 2 * f0 + fMinus) / h;
            // the typical size of the derivative: g·d for d ~ N(0, I) has standard deviation |g|
            double scale = coordinate ? gradNorm / Math.sqrt(x.length) : gradNorm;
            double allowed = tolerance * Math.max(Math.abs(fd), 0.05 * scale) + 1e-6;
            if (bend > allowed) {
                continue;
            }
            double analytic = dot(grad, d);
            assertEquals(fd, analytic, allowed, (coordinate ? "d/dx[" + at + "]" : "random direction " + checked)
                    + ": finite difference " + fd + " vs generated " + analytic);
            checked++;
        }
    }

    private static float[] step(float[] x, float[] d, double by) {
        float[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            out[i] += (float) (by * d[i]);
        }
        return out;
    }

    /** The step from minus to plus actually taken in float32, along d (in units of d). */
    private static double taken(float[] plus, float[] minus, float[] d) {
        double t = 0;
        double norm = 0;
        for (int i = 0; i < d.length; i++) {
            t += ((double) plus[i] - minus[i]) * d[i];
            norm += (double) d[i] * d[i];
        }
        return t / norm;
    }

    /** The central difference quotient of f at x along d, over the steps actually taken in float32. */
    static double central(Objectives f, float[] x, float[] d, double epsilon) throws OrtException {
        float[] plus = x.clone();
        float[] minus = x.clone();
        double taken = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            plus[i] += (float) (epsilon * d[i]);
            minus[i] -= (float) (epsilon * d[i]);
            taken += ((double) plus[i] - minus[i]) * d[i];
            norm += (double) d[i] * d[i];
        }
        return (f.at(plus) - f.at(minus)) / (taken / norm);
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static float[] gaussian(Random random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    static int size(long[] shape) {
        return (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    @Override
    public void close() throws OrtException {
        forward.close();
        gradient.close();
    }
}
