package org.convnetplayground.onnx.gradient;

import static org.convnetplayground.onnx.gradient.TinyGraph.in;
import static org.convnetplayground.onnx.gradient.TinyGraph.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.junit.jupiter.api.Test;

/**
 * Each operator's generated gradient against central finite differences, on small graphs built here with random
 * weights and awkward shapes (odd sizes, groups, strides, dilations, asymmetric pads, ceil mode, broadcasting),
 * batch 2 so that per-image offsets are exercised too. Steps are small (1e-3), so that a difference rarely
 * crosses a kink and a smooth function's curvature stays below the tolerance; a step that does cross one is
 * recognised by its second difference and replaced.
 */
class OperatorGradientTest {

    /** 1 %: float32 rounding in ONNX Runtime limits finite differences over steps small enough to miss kinks. */
    private static final double TOL = 1e-2;

    private static void check(TinyGraph g, String output, long[] shape, double epsilon) throws Exception {
        try (GradientCheck c = new GradientCheck(g.build(output), shape, new Objective.Weighted(output, false))) {
            c.checkWeighted(7, epsilon, TOL);
        }
    }

    @Test
    void convWithStridesPadsDilationsAndBias() throws Exception {
        TinyGraph g = new TinyGraph(1, 2, 4, 9, 11);
        String y = g.node("Conv", in("x", g.weight(0.3, 5, 4, 3, 2), g.weight(0.1, 5)),
                "kernel_shape", ints(3, 2), "strides", ints(2, 1), "pads", ints(1, 0, 2, 1), "dilations", ints(1, 2));
        check(g, y, ints(2, 4, 9, 11), 1e-3);
    }

    @Test
    void groupedAndDepthwiseConvWithAsymmetricPads() throws Exception {
        TinyGraph g = new TinyGraph(2, 2, 4, 10, 7);
        String grouped = g.node("Conv", in("x", g.weight(0.3, 6, 2, 3, 3)),
                "group", 2L, "kernel_shape", ints(3, 3), "strides", ints(2, 2), "pads", ints(0, 0, 1, 1));
        String depthwise = g.node("Conv", in(grouped, g.weight(0.3, 6, 1, 3, 3), g.weight(0.1, 6)),
                "group", 6L, "kernel_shape", ints(3, 3), "strides", ints(1, 2), "pads", ints(1, 1, 1, 1));
        check(g, depthwise, ints(2, 4, 10, 7), 1e-3);
    }

    @Test
    void strideOneConvsTakeTheTurnedKernelRule() throws Exception {
        // grouped with two channels per group, dilated, asymmetric pads; then depthwise; then pads beyond the
        // dilated kernel (ConvTranspose rule)
        TinyGraph g = new TinyGraph(24, 2, 4, 9, 8);
        String grouped = g.node("Conv", in("x", g.weight(0.3, 6, 2, 3, 2), g.weight(0.1, 6)), "group", 2L,
                "kernel_shape", ints(3, 2), "dilations", ints(2, 1), "pads", ints(2, 0, 1, 1));
        String depthwise = g.node("Conv", in(grouped, g.weight(0.3, 6, 1, 3, 3)), "group", 6L, "kernel_shape",
                ints(3, 3), "pads", ints(1, 1, 1, 1));
        String wide = g.node("Conv", in(depthwise, g.weight(0.3, 3, 6, 1, 1)), "kernel_shape", ints(1, 1), "pads",
                ints(1, 0, 0, 2));
        check(g, wide, ints(2, 4, 9, 8), 1e-3);
    }

    @Test
    void convWithSameUpperAutoPad() throws Exception {
        TinyGraph g = new TinyGraph(3, 2, 3, 8, 9);
        String y = g.node("Conv", in("x", g.weight(0.3, 4, 3, 3, 3)), "auto_pad", "SAME_UPPER", "strides", ints(2, 2));
        check(g, y, ints(2, 3, 8, 9), 1e-3);
    }

    @Test
    void reluLeakyReluAndClipFromConstants() throws Exception {
        TinyGraph g = new TinyGraph(4, 2, 3, 5, 5);
        String a = g.node("Relu", in("x"));
        String b = g.node("LeakyRelu", in("x"), "alpha", 0.1f);
        String c = g.node("Clip", in("x", g.constant(-0.5f), g.constant(0.7f)));
        String sum = g.node("Add", in(g.node("Add", in(a, b)), c));
        check(g, sum, ints(2, 3, 5, 5), 1e-3);
    }

    @Test
    void clipWithOneBound() throws Exception {
        TinyGraph g = new TinyGraph(5, 2, 3, 4, 4);
        String c = g.node("Clip", in("x", "", g.constant(0.3f)));
        check(g, c, ints(2, 3, 4, 4), 1e-3);
    }

    @Test
    void sigmoidTanhNegAndSoftmax() throws Exception {
        TinyGraph g = new TinyGraph(6, 2, 7);
        String s = g.node("Sigmoid", in("x"));
        String t = g.node("Tanh", in(g.node("Neg", in("x"))));
        String sm = g.node("Softmax", in(g.node("Mul", in(s, t))), "axis", 1L);
        check(g, sm, ints(2, 7), 1e-3);
    }

    @Test
    void batchNormalization() throws Exception {
        TinyGraph g = new TinyGraph(7, 2, 3, 5, 4);
        String y = g.node("BatchNormalization", in("x", g.weight(1, 3), g.weight(1, 3), g.weight(1, 3),
                g.positive(0.2, 2, 3)), "epsilon", 1e-3f);
        check(g, y, ints(2, 3, 5, 4), 1e-3);
    }

    @Test
    void overlappingMaxPoolWithPadsDilationAndCeilMode() throws Exception {
        TinyGraph g = new TinyGraph(8, 2, 3, 11, 10);
        String a = g.node("MaxPool", in("x"), "kernel_shape", ints(3, 3), "strides", ints(2, 2), "pads",
                ints(1, 0, 1, 1), "ceil_mode", 1L);
        String b = g.node("MaxPool", in(a), "kernel_shape", ints(2, 3), "strides", ints(1, 2), "dilations",
                ints(2, 1));
        check(g, b, ints(2, 3, 11, 10), 1e-3);
    }

    @Test
    void averagePoolCountingOrNotCountingPads() throws Exception {
        TinyGraph g = new TinyGraph(9, 2, 3, 9, 8);
        String a = g.node("AveragePool", in("x"), "kernel_shape", ints(3, 3), "strides", ints(1, 1), "pads",
                ints(1, 1, 1, 1));
        String b = g.node("AveragePool", in(a), "kernel_shape", ints(3, 2), "strides", ints(2, 2), "pads",
                ints(1, 1, 1, 0), "count_include_pad", 1L, "ceil_mode", 1L);
        String c = g.node("AveragePool", in(a), "kernel_shape", ints(2, 2), "strides", ints(2, 2), "pads",
                ints(0, 1, 1, 0), "ceil_mode", 1L);
        String both = g.node("Add", in(g.node("ReduceMean", in(b), "axes", ints(2, 3), "keepdims", 1L), c));
        check(g, both, ints(2, 3, 9, 8), 1e-3);
    }

    @Test
    void globalAveragePoolReduceMeanAndReduceSum() throws Exception {
        TinyGraph g = new TinyGraph(10, 2, 4, 5, 3);
        String gap = g.node("GlobalAveragePool", in("x"));
        String mean = g.node("ReduceMean", in("x"), "axes", ints(2, 3), "keepdims", 1L);
        String sum = g.node("ReduceSum", in("x", g.longs(-1)), "keepdims", 1L);
        String all = g.node("Add", in(g.node("Add", in(gap, mean)), sum));
        check(g, all, ints(2, 4, 5, 3), 1e-3);
    }

    @Test
    void broadcastingArithmeticBetweenTwoActiveTensors() throws Exception {
        TinyGraph g = new TinyGraph(11, 2, 3, 4, 5);
        String rowMeans = g.node("ReduceMean", in("x"), "axes", ints(2), "keepdims", 1L);
        String product = g.node("Mul", in("x", rowMeans));
        String shifted = g.node("Sub", in(product, g.weight(1, 3, 1, 1)));
        String scaled = g.node("Mul", in(g.weight(1, 5), shifted));
        String denominator = g.node("Add", in(g.node("Mul", in(rowMeans, rowMeans)), g.positive(1, 2, 1)));
        String ratio = g.node("Div", in(scaled, denominator));
        String back = g.node("Add", in(g.node("Div", in(ratio, g.positive(1, 2, 4, 1))), g.node("Sub", in(g.weight(1, 1), "x"))));
        check(g, back, ints(2, 3, 4, 5), 1e-3);
    }

    @Test
    void concatOfActiveAndConstantParts() throws Exception {
        TinyGraph g = new TinyGraph(12, 2, 3, 4, 4);
        String a = g.node("Relu", in("x"));
        String b = g.node("Conv", in("x", g.weight(0.5, 2, 3, 1, 1)), "kernel_shape", ints(1, 1));
        String c = g.node("Concat", in(a, g.weight(1, 2, 1, 4, 4), b, "x"), "axis", 1L);
        check(g, c, ints(2, 3, 4, 4), 1e-3);
    }

    @Test
    void constantPadWithGrowingAndCroppingPads() throws Exception {
        TinyGraph g = new TinyGraph(13, 2, 3, 5, 6);
        String p = g.node("Pad", in("x", g.longs(0, 0, 2, -1, 0, 1, -1, 3)), "mode", "constant");
        check(g, p, ints(2, 3, 5, 6), 1e-3);
    }

    @Test
    void flattenReshapeTransposeSqueezeUnsqueeze() throws Exception {
        TinyGraph g = new TinyGraph(14, 2, 3, 4, 5);
        String t = g.node("Transpose", in("x"), "perm", ints(0, 2, 3, 1));
        String r = g.node("Reshape", in(t, g.longs(0, -1, 3)));
        String u = g.node("Unsqueeze", in(r, g.longs(1)));
        String s = g.node("Squeeze", in(u, g.longs(1)));
        String f = g.node("Flatten", in(g.node("Sigmoid", in(s))), "axis", 1L);
        check(g, f, ints(2, 3, 4, 5), 1e-3);
    }

    @Test
    void gemmInEveryTransposition() throws Exception {
        TinyGraph g = new TinyGraph(15, 2, 6);
        String flat = g.node("Sigmoid", in("x"));
        String a = g.node("Gemm", in(flat, g.weight(0.5, 6, 4), g.weight(1, 4)), "alpha", 0.7f, "beta", 1.3f);
        String b = g.node("Gemm", in(a, g.weight(0.5, 3, 4)), "transB", 1L);
        String at = g.node("Transpose", in(b));
        String c = g.node("Gemm", in(at, g.weight(0.5, 5, 3), g.weight(1, 1, 5)), "transA", 1L, "transB", 1L);
        String d = g.node("Gemm", in(g.weight(0.5, 2, 4), g.node("Tanh", in(a))), "transB", 1L, "alpha", 2f);
        String both = g.node("Concat", in(c, d), "axis", 1L);
        check(g, both, ints(2, 6), 1e-3);
    }

    @Test
    void batchedMatMulWithBroadcasting() throws Exception {
        TinyGraph g = new TinyGraph(16, 2, 3, 4, 5);
        String a = g.node("MatMul", in("x", g.weight(0.5, 5, 3)));
        String b = g.node("MatMul", in(g.weight(0.5, 3, 2, 4), a));
        String self = g.node("MatMul", in(b, g.node("Transpose", in(b), "perm", ints(0, 1, 3, 2))));
        check(g, self, ints(2, 3, 4, 5), 1e-3);
    }

    @Test
    void identityAndDropoutAtInference() throws Exception {
        TinyGraph g = new TinyGraph(17, 2, 3);
        String y = g.node("Dropout", in(g.node("Identity", in("x")), g.constant(0.5f)));
        check(g, y, ints(2, 3), 1e-3);
    }

    @Test
    void opset11FormsAxesAsAttributesAndSoftmaxOverTrailingAxes() throws Exception {
        TinyGraph g = new TinyGraph(25, 2, 3, 4, 5).opset(11);
        String u = g.node("Unsqueeze", in(g.node("Sigmoid", in("x"))), "axes", ints(1));
        String s = g.node("Squeeze", in(u), "axes", ints(1));
        String sum = g.node("ReduceSum", in(s), "axes", ints(3), "keepdims", 1L);
        String soft = g.node("Softmax", in(g.node("Mul", in(s, sum))), "axis", 2L);
        String pooled = g.node("MaxPool", in(soft), "kernel_shape", ints(2, 2), "strides", ints(1, 2));
        String c = g.node("Concat", in(pooled, g.node("ReduceMean", in(pooled), "axes", ints(3), "keepdims", 1L)),
                "axis", 3L);
        check(g, c, ints(2, 3, 4, 5), 1e-3);
    }

    @Test
    void opset18FormsReductionAxesAsInputs() throws Exception {
        TinyGraph g = new TinyGraph(26, 2, 3, 4, 5).opset(18);
        String mean = g.node("ReduceMean", in("x", g.longs(2)), "keepdims", 1L);
        String y = g.node("Relu", in(g.node("Add", in("x", g.node("Mul", in(mean, mean))))));
        check(g, y, ints(2, 3, 4, 5), 1e-3);
        byte[] model = g.build(y);
        // the channel objective's own reductions are written in opset 18's form too
        try (GradientCheck c = new GradientCheck(model, ints(2, 3, 4, 5), Objective.ChannelMean.of(y))) {
            float[] x = GradientCheck.gaussian(new Random(2), 120, 1);
            float[] out = c.run(x, new float[] {0, 1, 0})[0];
            float[] layer = c.layer(x);
            double expected = 0;
            for (int p = 0; p < 20; p++) {
                expected += layer[20 + p] / 20.0;
            }
            assertEquals(expected, out[0], 1e-5);
        }
    }

    @Test
    void opsetsOutsideTheCheckedRangeAreRefused() {
        TinyGraph g = new TinyGraph(27, 1, 2, 4, 4).opset(9);
        String y = g.node("Relu", in("x"));
        org.convnetplayground.errors.InvalidInputException e = assertThrows(
                org.convnetplayground.errors.InvalidInputException.class, () -> GradientGraphs.generate(
                        OnnxModel.parse(g.build(y)), ints(1, 2, 4, 4), Objective.ChannelMean.of(y), List.of()));
        assertTrue(e.getMessage().contains("opset 11 to 21") && e.getMessage().contains("opset 9"), e.getMessage());
    }

    @Test
    void channelMeanObjectiveWithAndWithoutPosition() throws Exception {
        TinyGraph g = new TinyGraph(18, 2, 3, 7, 6);
        String conv = g.node("Conv", in("x", g.weight(0.4, 5, 3, 3, 3), g.weight(0.1, 5)), "kernel_shape", ints(3, 3));
        String y = g.node("Relu", in(conv));
        byte[] model = g.build(y);
        Random random = new Random(3);
        long[] shape = ints(2, 3, 7, 6);
        float[] x = GradientCheck.gaussian(random, GradientCheck.size(shape), 1);
        for (int[] position : new int[][] {null, {2, 3}}) {
            try (GradientCheck c = new GradientCheck(model, shape, new Objective.ChannelMean(y, false, position))) {
                assertEquals(List.of(5L), c.graph().objectiveInputShape());
                float[] w = new float[5];
                w[2] = 1;
                float[][] out = c.run(x, w);
                GradientCheck.Objectives f = xx -> {
                    float[] l = c.layer(xx);
                    double s = 0;
                    for (int n = 0; n < 2; n++) {
                        if (position == null) {
                            for (int p = 0; p < 20; p++) {
                                s += l[(n * 5 + 2) * 20 + p] / 20.0;
                            }
                        } else {
                            s += l[(n * 5 + 2) * 20 + position[0] * 4 + position[1]];
                        }
                    }
                    return s;
                };
                assertEquals(f.at(x), out[0][0] + out[0][1], 1e-5);
                GradientCheck.checkDirections(f, x, out[1], random, 1e-3, TOL);
            }
        }
    }

    @Test
    void cosineAndDotSimilarityObjectives() throws Exception {
        TinyGraph g = new TinyGraph(19, 1, 3, 6, 6);
        String conv = g.node("Conv", in("x", g.weight(0.4, 4, 3, 3, 3), g.weight(0.5, 4)), "kernel_shape", ints(3, 3));
        String y = g.node("LeakyRelu", in(conv), "alpha", 0.1f);
        byte[] model = g.build(y);
        Random random = new Random(5);
        long[] shape = ints(1, 3, 6, 6);
        float[] x = GradientCheck.gaussian(random, GradientCheck.size(shape), 1);
        for (Objective.Pooling pooling : Objective.Pooling.values()) {
            for (Objective.Measure measure : Objective.Measure.values()) {
                Objective o = new Objective.Similarity(y, false, measure, pooling);
                try (GradientCheck c = new GradientCheck(model, shape, o)) {
                    int dim = (int) c.graph().objectiveInputSize();
                    assertEquals(pooling == Objective.Pooling.AVG ? 4 : 64, dim);
                    float[] r = GradientCheck.gaussian(random, dim, 1);
                    float[][] out = c.run(x, r);
                    GradientCheck.Objectives f = xx -> {
                        float[] l = c.layer(xx);
                        double[] v = new double[dim];
                        for (int i = 0; i < l.length; i++) {
                            if (pooling == Objective.Pooling.AVG) {
                                v[i / 16] += l[i] / 16.0;
                            } else {
                                v[i] = l[i];
                            }
                        }
                        double dot = 0;
                        double vv = 0;
                        double rr = 0;
                        for (int i = 0; i < dim; i++) {
                            dot += v[i] * r[i];
                            vv += v[i] * v[i];
                            rr += (double) r[i] * r[i];
                        }
                        return measure == Objective.Measure.DOT ? dot : dot / Math.sqrt(vv * rr);
                    };
                    assertEquals(f.at(x), out[0][0], 1e-4 * (1 + Math.abs(out[0][0])), measure + " " + pooling);
                    GradientCheck.checkDirections(f, x, out[1], random, 1e-3, TOL);
                }
            }
        }
    }

    @Test
    void onlyTheSubgraphUpToTheLayerIsKept() throws Exception {
        TinyGraph g = new TinyGraph(20, 1, 2, 4, 4);
        String early = g.node("Relu", in("x"));
        String late = g.node("Resize", in(early, "", g.floats(new float[] {1, 1, 2, 2}, 4)));
        byte[] model = g.build(late);
        // the unsupported Resize lies after the layer: it is pruned, not refused
        GradientGraph graph = GradientGraphs.generate(OnnxModel.parse(model), ints(1, 2, 4, 4),
                Objective.ChannelMean.of(early), List.of());
        assertTrue(graph.model().length > 0);
        assertEquals(List.of(1L, 2L, 4L, 4L), graph.layerShape());
    }

    @Test
    void anUnsupportedOperatorIsRefusedByName() {
        TinyGraph g = new TinyGraph(21, 1, 2, 4, 4);
        String resized = g.node("Resize", in("x", "", g.floats(new float[] {1, 1, 2, 2}, 4)));
        String y = g.node("Relu", in(resized));
        UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class, () ->
                GradientGraphs.generate(OnnxModel.parse(g.build(y)), ints(1, 2, 4, 4), Objective.ChannelMean.of(y),
                        List.of()));
        assertEquals("Resize", e.operator());
        assertEquals(resized + "_node", e.node());
        assertTrue(e.getMessage().contains("Resize") && e.getMessage().contains(resized + "_node"), e.getMessage());
    }

    @Test
    void aReflectPadIsRefusedRatherThanDifferentiatedWrongly() {
        TinyGraph g = new TinyGraph(22, 1, 2, 4, 4);
        String p = g.node("Pad", in("x", g.longs(0, 0, 1, 1, 0, 0, 1, 1)), "mode", "reflect");
        UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class, () ->
                GradientGraphs.generate(OnnxModel.parse(g.build(p)), ints(1, 2, 4, 4), Objective.ChannelMean.of(p),
                        List.of()));
        assertTrue(e.getMessage().contains("reflect"), e.getMessage());
    }

    @Test
    void intermediateGradientsForGradCam() throws Exception {
        TinyGraph g = new TinyGraph(23, 1, 3, 6, 6);
        String conv = g.node("Conv", in("x", g.weight(0.4, 4, 3, 3, 3)), "kernel_shape", ints(3, 3));
        String relu = g.node("Relu", in(conv));
        String pooled = g.node("GlobalAveragePool", in(relu));
        GradientGraph graph = GradientGraphs.generate(OnnxModel.parse(g.build(pooled)), ints(1, 3, 6, 6),
                Objective.ChannelMean.of(pooled), List.of(relu));
        assertEquals(relu + "__gradient", graph.tensorGradients().get(relu));
        // d mean(relu[c]) / d relu = 1/16 on channel c: checked by running it
        try (var session = GradientCheck.ENV.createSession(graph.model())) {
            float[] x = GradientCheck.gaussian(new Random(1), 108, 1);
            float[] w = {0, 1, 0, 0};
            try (var xt = ai.onnxruntime.OnnxTensor.createTensor(GradientCheck.ENV, java.nio.FloatBuffer.wrap(x), ints(1, 3, 6, 6));
                 var wt = ai.onnxruntime.OnnxTensor.createTensor(GradientCheck.ENV, java.nio.FloatBuffer.wrap(w), ints(4));
                 var r = session.run(java.util.Map.of("x", xt, GradientGraph.OBJECTIVE_WEIGHTS, wt))) {
                float[][][][] gr = (float[][][][]) r.get(relu + "__gradient").orElseThrow().getValue();
                for (int c = 0; c < 4; c++) {
                    for (int i = 0; i < 4; i++) {
                        for (int j = 0; j < 4; j++) {
                            assertEquals(c == 1 ? 1 / 16f : 0f, gr[0][c][i][j], 1e-7);
                        }
                    }
                }
            }
        }
    }
}
