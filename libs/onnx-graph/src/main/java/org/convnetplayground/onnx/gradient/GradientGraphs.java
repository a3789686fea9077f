package org.convnetplayground.onnx.gradient;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.onnx.graph.InvalidModelException;
import org.convnetplayground.onnx.graph.OnnxModel;

/**
 * Generates, from a model's forward graph, a second ONNX graph that computes an {@link Objective} and its gradient
 * with respect to the model's input (reverse-mode differentiation written out as ONNX operators, so ONNX Runtime
 * runs it like any model). Only the nodes between the input and the objective's layer are kept and differentiated.
 * Shapes are static: the batch size is fixed when the graph is generated.
 *
 * <p>The generated graph keeps the forward model's opset (11 to 21), so every forward node keeps its meaning, and
 * writes each backward operator in that opset's form (axes as attributes or inputs). Between those versions the
 * supported operators changed only in types, in where their axes are given, and in Softmax's axes (before 13) -
 * each handled here - or gained attributes that are refused when used (AveragePool dilations, Pad axes).
 * A max pool's gradient goes to the position ONNX Runtime itself chose (the pool's Indices output), with overlapping
 * windows adding up through a grouped ConvTranspose with one-hot kernels: scatter-add (ScatterElements with
 * reduction) would need opset 16. An operator without a rule is refused by name
 * ({@link UnsupportedOperatorException}), never differentiated approximately.
 */
public final class GradientGraphs {

    /** Operators with a gradient rule (others may still appear where they do not depend on the input). */
    public static final Set<String> SUPPORTED = new TreeSet<>(List.of(
            "Conv", "Relu", "Clip", "LeakyRelu", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool",
            "ReduceMean", "ReduceSum", "Add", "Sub", "Mul", "Div", "Neg", "Concat", "Pad", "Flatten", "Reshape",
            "Squeeze", "Unsqueeze", "Transpose", "Gemm", "MatMul", "Softmax", "Sigmoid", "Tanh", "Identity",
            "Dropout"));

    /** The opsets whose operator versions the rules read and write (checked operator by operator). */
    public static final int MIN_OPSET = 11;
    public static final int MAX_OPSET = 21;
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private GradientGraphs() {
    }

    /**
     * @param model      the forward model
     * @param inputShape the image input's static shape, batch first (e.g. [1, 3, 224, 224])
     * @param objective  what to differentiate
     * @param tensors    intermediate tensors whose gradient is wanted too (e.g. for Grad-CAM); each must lie on a
     *                   path from the input to the objective's layer
     * @throws UnsupportedOperatorException for a node without a gradient rule on the way
     * @throws IllegalArgumentException     for an unknown layer or tensor, or a layer the objective cannot read
     */
    public static GradientGraph generate(OnnxModel model, long[] inputShape, Objective objective, List<String> tensors) {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(model.bytes());
        } catch (shade.com.google.protobuf.InvalidProtocolBufferException e) {
            throw new InvalidModelException("not an ONNX model", e);
        }
        if (model.graph().inputs().size() != 1) {
            throw new IllegalArgumentException("gradients need a model with exactly one input; this one has "
                    + model.graph().inputs().size());
        }
        return new Generator(proto, model.graph().inputs().get(0).name(), inputShape).run(objective, tensors);
    }

    /** The state of one generation: the forward graph's facts, and the new graph being written. */
    private static final class Generator {
        private final GraphProto source;
        private final String input;
        private final long[] inputShape;
        private final long irVersion;
        /** The forward model's opset: the generated graph keeps it, so every forward node keeps its meaning. */
        private final int opset;
        private final Map<String, NodeProto> producers = new HashMap<>();
        private final Map<String, TensorProto> constants = new HashMap<>();
        private final Map<String, long[]> shapes = new HashMap<>();
        private final Set<String> active = new HashSet<>();
        private final Set<String> usedInitializers = new HashSet<>();
        private final Map<String, List<String>> grads = new HashMap<>();
        private final Map<String, String> maxPoolIndices = new HashMap<>();
        private final GraphWriter writer;

        Generator(ModelProto proto, String input, long[] inputShape) {
            this.source = proto.getGraph();
            this.input = input;
            this.inputShape = inputShape.clone();
            this.irVersion = Math.max(7, proto.getIrVersion());
            this.opset = (int) proto.getOpsetImportList().stream()
                    .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                    .mapToLong(OperatorSetIdProto::getVersion).max().orElse(0);
            this.writer = new GraphWriter(opset);
            if (opset < MIN_OPSET || opset > MAX_OPSET) {
                throw InvalidInputException.of("gradients need a model of ONNX opset " + MIN_OPSET + " to " + MAX_OPSET
                        + " (whose operators the rules were checked against); this one declares opset " + opset);
            }
            for (NodeProto n : source.getNodeList()) {
                for (String o : n.getOutputList()) {
                    if (!o.isEmpty()) {
                        producers.putIfAbsent(o, n);
                    }
                }
            }
            for (TensorProto t : source.getInitializerList()) {
                constants.put(t.getName(), t);
                shapes.put(t.getName(), dims(t));
            }
        }

        GradientGraph run(Objective objective, List<String> tensors) {
            String layer = objective.layer();
            if (!producers.containsKey(layer)) {
                throw new IllegalArgumentException("no node produces tensor '" + layer + "'");
            }
            for (String t : tensors) {
                if (!producers.containsKey(t)) {
                    throw new IllegalArgumentException("no node produces tensor '" + t + "'");
                }
            }
            List<NodeProto> needed = ancestors(layer, tensors);
            shapes.put(input, inputShape.clone());
            active.add(input);
            for (NodeProto n : needed) {
                forward(n);
            }
            if (!active.contains(layer)) {
                throw new IllegalArgumentException("tensor '" + layer + "' does not depend on the input");
            }
            for (String t : tensors) {
                if (!active.contains(t)) {
                    throw new IllegalArgumentException("tensor '" + t + "' does not depend on the input");
                }
            }
            for (NodeProto n : needed) {
                if (isActiveNode(n)) {
                    checkSupported(n);
                }
            }
            writer.graph().addInput(writer.valueInfo(input, FLOAT, inputShape));
            for (NodeProto n : needed) {
                writer.graph().addNode(copyForward(n));
            }
            long[] layerShape = shapes.get(layer);
            ObjectiveParts parts = objective(objective, layerShape);
            writer.graph().addInput(writer.valueInfo(parts.inputName, FLOAT, parts.inputShape));
            addGrad(layer, parts.seed);
            writer.graph().addOutput(writer.valueInfo(GradientGraph.OBJECTIVE, FLOAT, new long[] {layerShape[0]}));
            for (int i = needed.size() - 1; i >= 0; i--) {
                NodeProto n = needed.get(i);
                if (isActiveNode(n)) {
                    backward(n);
                }
            }
            String inputGrad = total(input);
            if (inputGrad == null) {
                throw new IllegalArgumentException("the objective does not depend on the input");
            }
            writer.node("Identity", List.of(inputGrad), List.of(GradientGraph.GRADIENT));
            writer.graph().addOutput(writer.valueInfo(GradientGraph.GRADIENT, FLOAT, inputShape));
            Map<String, String> extra = new LinkedHashMap<>();
            for (String t : tensors) {
                String g = total(t);
                if (g == null) {
                    throw new IllegalArgumentException("the objective does not depend on tensor '" + t + "'");
                }
                String name = t + "__gradient";
                writer.node("Identity", List.of(g), List.of(name));
                writer.graph().addOutput(writer.valueInfo(name, FLOAT, shapes.get(t)));
                writer.graph().addOutput(writer.valueInfo(t, FLOAT, shapes.get(t)));
                extra.put(t, name);
            }
            for (TensorProto t : source.getInitializerList()) {
                if (usedInitializers.contains(t.getName())) {
                    writer.graph().addInitializer(t);
                }
            }
            ModelProto result = ModelProto.newBuilder()
                    .setIrVersion(irVersion)
                    .setProducerName("convnet-playground gradient generator")
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                    .setGraph(writer.graph())
                    .build();
            return new GradientGraph(result.toByteArray(), input, boxed(inputShape), parts.inputName,
                    boxed(parts.inputShape), boxed(layerShape), Map.copyOf(extra));
        }

        // ---------------------------------------------------------------- forward: pruning, shapes, activity

        /** The nodes the layer and tensors depend on, in graph (topological) order. */
        private List<NodeProto> ancestors(String layer, List<String> tensors) {
            Set<NodeProto> keep = new HashSet<>();
            List<String> todo = new ArrayList<>(tensors);
            todo.add(layer);
            while (!todo.isEmpty()) {
                NodeProto n = producers.get(todo.remove(todo.size() - 1));
                if (n != null && keep.add(n)) {
                    todo.addAll(n.getInputList());
                }
            }
            return source.getNodeList().stream().filter(keep::contains).toList();
        }

        private boolean isActiveNode(NodeProto n) {
            return n.getInputList().stream().anyMatch(active::contains);
        }

        private void checkSupported(NodeProto n) {
            if (!SUPPORTED.contains(n.getOpType()) || !n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw unsupported(n, "no gradient rule for it");
            }
        }

        private static UnsupportedOperatorException unsupported(NodeProto n, String why) {
            return new UnsupportedOperatorException(n.getOpType(), nodeName(n), why);
        }

        private static String nodeName(NodeProto n) {
            return n.getName().isEmpty() ? n.getOutput(0) : n.getName();
        }

        private NodeProto copyForward(NodeProto n) {
            for (String i : n.getInputList()) {
                if (constants.containsKey(i) && source.getInitializerList().stream().anyMatch(t -> t.getName().equals(i))) {
                    usedInitializers.add(i);
                }
            }
            if (n.getOpType().equals("MaxPool") && isActiveNode(n)) {
                NodeProto.Builder b = n.toBuilder();
                String indices;
                if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) {
                    indices = n.getOutput(1);
                } else {
                    indices = writer.fresh("maxpool_indices");
                    if (b.getOutputCount() > 1) {
                        b.setOutput(1, indices);
                    } else {
                        b.addOutput(indices);
                    }
                }
                maxPoolIndices.put(n.getOutput(0), indices);
                return b.build();
            }
            return n;
        }

        /** Records the node's output shapes (and constant values), and whether its outputs depend on the input. */
        private void forward(NodeProto n) {
            String op = n.getOpType();
            boolean isActive = isActiveNode(n);
            if (isActive && !op.equals("Shape")) {
                for (String o : n.getOutputList()) {
                    if (!o.isEmpty()) {
                        active.add(o);
                    }
                }
            }
            if (op.equals("Constant")) {
                TensorProto value = constantValue(n);
                constants.put(n.getOutput(0), value);
                shapes.put(n.getOutput(0), dims(value));
                return;
            }
            long[] x = n.getInputCount() > 0 && !n.getInput(0).isEmpty() ? shapes.get(n.getInput(0)) : null;
            if (x == null && n.getInputCount() > 0) {
                throw unsupported(n, "the shape of its input '" + n.getInput(0) + "' is not known");
            }
            long[] y;
            switch (op) {
                case "Relu", "Clip", "LeakyRelu", "BatchNormalization", "Softmax", "Sigmoid", "Tanh", "Identity",
                     "Dropout", "Neg" -> y = x.clone();
                case "Conv" -> y = convShape(n, x, shapeOf(n, 1)[0], kernel(n, shapeOf(n, 1)), false);
                case "MaxPool", "AveragePool" -> y = convShape(n, x, x[1], kernel(n, null), true);
                case "GlobalAveragePool", "GlobalMaxPool" -> {
                    y = x.clone();
                    for (int i = 2; i < y.length; i++) {
                        y[i] = 1;
                    }
                }
                case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceSumSquare" -> {
                    long[] axes = reduceAxes(n, x.length);
                    y = reduced(x, axes, intAttr(n, "keepdims", 1) == 1);
                }
                case "Add", "Sub", "Mul", "Div" -> y = broadcast(n, x, shapeOf(n, 1));
                case "Concat" -> {
                    int axis = axis(intAttr(n, "axis", 0), x.length);
                    y = x.clone();
                    y[axis] = 0;
                    for (int i = 0; i < n.getInputCount(); i++) {
                        y[axis] += shapeOf(n, i)[axis];
                    }
                }
                case "Pad" -> {
                    if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
                        throw unsupported(n, "an axes input (pads on some axes only)");
                    }
                    long[] pads = longs(n, 1, "pads");
                    y = x.clone();
                    for (int i = 0; i < x.length; i++) {
                        y[i] = x[i] + pads[i] + pads[i + x.length];
                    }
                }
                case "Flatten" -> {
                    int axis = axis(intAttr(n, "axis", 1), x.length);
                    y = new long[] {product(x, 0, axis), product(x, axis, x.length)};
                }
                case "Reshape" -> y = reshaped(n, x, longs(n, 1, "shape"));
                case "Squeeze" -> {
                    Set<Integer> axes = new HashSet<>();
                    long[] given = opset >= 13
                            ? (n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? longs(n, 1, "axes") : new long[0])
                            : longsAttr(n, "axes");
                    if (given.length > 0) {
                        for (long a : given) {
                            axes.add(axis(a, x.length));
                        }
                    } else {
                        for (int i = 0; i < x.length; i++) {
                            if (x[i] == 1) {
                                axes.add(i);
                            }
                        }
                    }
                    List<Long> dims = new ArrayList<>();
                    for (int i = 0; i < x.length; i++) {
                        if (!axes.contains(i)) {
                            dims.add(x[i]);
                        }
                    }
                    y = dims.stream().mapToLong(Long::longValue).toArray();
                }
                case "Unsqueeze" -> {
                    long[] axesIn = opset >= 13 ? longs(n, 1, "axes") : longsAttr(n, "axes");
                    int rank = x.length + axesIn.length;
                    Set<Integer> axes = new HashSet<>();
                    for (long a : axesIn) {
                        axes.add(axis(a, rank));
                    }
                    y = new long[rank];
                    for (int i = 0, k = 0; i < rank; i++) {
                        y[i] = axes.contains(i) ? 1 : x[k++];
                    }
                }
                case "Transpose" -> {
                    long[] perm = permutation(n, x.length);
                    y = new long[x.length];
                    for (int i = 0; i < x.length; i++) {
                        y[i] = x[(int) perm[i]];
                    }
                }
                case "Gemm" -> {
                    long[] b = shapeOf(n, 1);
                    if (x.length != 2 || b.length != 2) {
                        throw unsupported(n, "Gemm needs 2-D operands");
                    }
                    y = new long[] {intAttr(n, "transA", 0) == 1 ? x[1] : x[0], intAttr(n, "transB", 0) == 1 ? b[0] : b[1]};
                }
                case "MatMul" -> {
                    long[] b = shapeOf(n, 1);
                    if (x.length < 2 || b.length < 2) {
                        throw unsupported(n, "MatMul with a 1-D operand");
                    }
                    long[] batchA = Arrays.copyOf(x, x.length - 2);
                    long[] batchB = Arrays.copyOf(b, b.length - 2);
                    long[] batch = broadcastShapes(n, batchA, batchB);
                    y = Arrays.copyOf(batch, batch.length + 2);
                    y[batch.length] = x[x.length - 2];
                    y[batch.length + 1] = b[b.length - 1];
                }
                default -> {
                    if (isActive) {
                        throw unsupported(n, "no gradient rule for it");
                    }
                    throw unsupported(n, "it computes a value the gradient graph needs, and its shape cannot be "
                            + "worked out here");
                }
            }
            shapes.put(n.getOutput(0), y);
        }

        private long[] shapeOf(NodeProto n, int i) {
            long[] s = i < n.getInputCount() ? shapes.get(n.getInput(i)) : null;
            if (s == null) {
                throw unsupported(n, "the shape of its input " + i + " is not known");
            }
            return s;
        }

        private long[] kernel(NodeProto n, long[] weight) {
            long[] k = longsAttr(n, "kernel_shape");
            if (k.length == 0 && weight != null) {
                k = Arrays.copyOfRange(weight, 2, weight.length);
            }
            if (k.length == 0) {
                throw unsupported(n, "no kernel_shape");
            }
            return k;
        }

        /** Explicit pads [begin..., end...] of a convolution or pool, resolving auto_pad. */
        private long[] pads(NodeProto n, long[] x, long[] k) {
            int d = k.length;
            String autoPad = stringAttr(n, "auto_pad", "NOTSET");
            long[] strides = spatialAttr(n, "strides", d);
            long[] dil = spatialAttr(n, "dilations", d);
            long[] pads = new long[2 * d];
            switch (autoPad) {
                case "NOTSET" -> {
                    long[] p = longsAttr(n, "pads");
                    if (p.length == 2 * d) {
                        pads = p;
                    }
                }
                case "VALID" -> {
                }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    for (int i = 0; i < d; i++) {
                        long in = x[2 + i];
                        long outSize = (in + strides[i] - 1) / strides[i];
                        long total = Math.max(0, (outSize - 1) * strides[i] + (k[i] - 1) * dil[i] + 1 - in);
                        long small = total / 2;
                        pads[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                        pads[i + d] = total - pads[i];
                    }
                }
                default -> throw unsupported(n, "auto_pad " + autoPad);
            }
            return pads;
        }

        private long[] spatialAttr(NodeProto n, String name, int d) {
            long[] v = longsAttr(n, name);
            if (v.length == 0) {
                v = new long[d];
                Arrays.fill(v, 1);
            }
            return v;
        }

        private long[] convShape(NodeProto n, long[] x, long channels, long[] k, boolean pool) {
            int d = k.length;
            if (x.length != d + 2) {
                throw unsupported(n, "input rank " + x.length + " with a " + d + "-D kernel");
            }
            long[] strides = spatialAttr(n, "strides", d);
            long[] dil = spatialAttr(n, "dilations", d);
            long[] pads = pads(n, x, k);
            boolean ceil = pool && intAttr(n, "ceil_mode", 0) == 1;
            long[] y = new long[x.length];
            y[0] = x[0];
            y[1] = channels;
            for (int i = 0; i < d; i++) {
                long span = x[2 + i] + pads[i] + pads[i + d] - ((k[i] - 1) * dil[i] + 1);
                long o = (ceil ? Math.floorDiv(span + strides[i] - 1, strides[i]) : Math.floorDiv(span, strides[i])) + 1;
                if (ceil && (o - 1) * strides[i] >= x[2 + i] + pads[i]) {
                    // ONNX Runtime drops such a window, ONNX's shape inference keeps it: the graph could not be typed
                    throw unsupported(n, "ceil_mode with a last window that starts in the end padding (ONNX's shape "
                            + "inference and ONNX Runtime disagree on the output size)");
                }
                y[2 + i] = o;
            }
            return y;
        }

        private long[] reduceAxes(NodeProto n, int rank) {
            long[] axes;
            // ReduceSum takes its axes as an input from opset 13, the other reductions from opset 18
            boolean asInput = n.getOpType().equals("ReduceSum") ? opset >= 13 : opset >= 18;
            if (asInput) {
                axes = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? longs(n, 1, "axes") : new long[0];
                if (axes.length == 0 && intAttr(n, "noop_with_empty_axes", 0) == 1) {
                    throw unsupported(n, "noop_with_empty_axes");
                }
            } else {
                axes = longsAttr(n, "axes");
            }
            if (axes.length == 0) {
                axes = new long[rank];
                for (int i = 0; i < rank; i++) {
                    axes[i] = i;
                }
            }
            long[] norm = new long[axes.length];
            for (int i = 0; i < axes.length; i++) {
                norm[i] = axis(axes[i], rank);
            }
            Arrays.sort(norm);
            return norm;
        }

        private static long[] reduced(long[] x, long[] axes, boolean keep) {
            Set<Long> set = new HashSet<>();
            for (long a : axes) {
                set.add(a);
            }
            List<Long> dims = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (set.contains((long) i)) {
                    if (keep) {
                        dims.add(1L);
                    }
                } else {
                    dims.add(x[i]);
                }
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private long[] broadcast(NodeProto n, long[] a, long[] b) {
            return broadcastShapes(n, a, b);
        }

        private static long[] broadcastShapes(NodeProto n, long[] a, long[] b) {
            int r = Math.max(a.length, b.length);
            long[] y = new long[r];
            for (int i = 0; i < r; i++) {
                long da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
                long db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
                if (da != db && da != 1 && db != 1) {
                    throw unsupported(n, "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                            + " do not broadcast");
                }
                y[i] = da == 1 ? db : da;
            }
            return y;
        }

        private long[] reshaped(NodeProto n, long[] x, long[] target) {
            long[] y = target.clone();
            if (intAttr(n, "allowzero", 0) == 1) {
                throw unsupported(n, "allowzero");
            }
            int unknown = -1;
            long known = 1;
            for (int i = 0; i < y.length; i++) {
                if (y[i] == 0) {
                    y[i] = x[i];
                }
                if (y[i] == -1) {
                    unknown = i;
                } else {
                    known *= y[i];
                }
            }
            if (unknown >= 0) {
                y[unknown] = product(x, 0, x.length) / known;
            }
            return y;
        }

        private long[] permutation(NodeProto n, int rank) {
            long[] perm = longsAttr(n, "perm");
            if (perm.length == 0) {
                perm = new long[rank];
                for (int i = 0; i < rank; i++) {
                    perm[i] = rank - 1 - i;
                }
            }
            return perm;
        }

        // ---------------------------------------------------------------- objective

        private record ObjectiveParts(String inputName, long[] inputShape, String seed) {
        }

        private ObjectiveParts objective(Objective objective, long[] y) {
            long n = y[0];
            int rank = y.length;
            if (rank < 2) {
                throw new IllegalArgumentException("layer '" + objective.layer() + "' has shape " + Arrays.toString(y)
                        + "; the objective needs a batch and a channel axis");
            }
            int channelAxis = objective.channelsLast() ? rank - 1 : 1;
            long channels = y[channelAxis];
            List<Long> spatial = new ArrayList<>();
            long positions = 1;
            for (int i = 1; i < rank; i++) {
                if (i != channelAxis) {
                    spatial.add((long) i);
                    positions *= y[i];
                }
            }
            long[] spatialAxes = spatial.stream().mapToLong(Long::longValue).toArray();
            long[] channelShape = new long[rank];
            Arrays.fill(channelShape, 1);
            channelShape[channelAxis] = channels;
            String layer = objective.layer();
            if (objective instanceof Objective.ChannelMean c) {
                String w = GradientGraph.OBJECTIVE_WEIGHTS;
                String perChannel;
                String seedShape = writer.node("Reshape", w, writer.constLongs(channelShape));
                if (c.position() == null) {
                    perChannel = spatialAxes.length == 0 ? layer : reduceMean(layer, spatialAxes, false);
                    seedShape = writer.node("Mul", seedShape, writer.constFloat(1f / positions));
                } else {
                    if (rank != 4) {
                        throw new IllegalArgumentException("a position needs a layer with two spatial axes; '"
                                + layer + "' has shape " + Arrays.toString(y));
                    }
                    int py = c.position()[0];
                    int px = c.position()[1];
                    long h = y[(int) spatialAxes[0]];
                    long wd = y[(int) spatialAxes[1]];
                    if (py < 0 || py >= h || px < 0 || px >= wd) {
                        throw new IllegalArgumentException("position (" + py + ", " + px + ") is outside the layer's "
                                + h + " x " + wd + " positions");
                    }
                    String slice = writer.node("Slice", layer, writer.constLongs(new long[] {py, px}),
                            writer.constLongs(new long[] {py + 1, px + 1}), writer.constLongs(spatialAxes));
                    perChannel = writer.node("Reshape", slice, writer.constLongs(new long[] {n, channels}));
                    long[] maskShape = new long[rank];
                    Arrays.fill(maskShape, 1);
                    maskShape[(int) spatialAxes[0]] = h;
                    maskShape[(int) spatialAxes[1]] = wd;
                    float[] mask = new float[(int) (h * wd)];
                    mask[(int) (py * wd + px)] = 1;
                    seedShape = writer.node("Mul", seedShape, writer.constFloats(mask, maskShape));
                }
                writer.node("MatMul", List.of(perChannel, w), List.of(GradientGraph.OBJECTIVE));
                String seed = writer.node("Expand", seedShape, writer.constLongs(y));
                return new ObjectiveParts(w, new long[] {channels}, seed);
            }
            if (objective instanceof Objective.Similarity s) {
                String v;
                long dim;
                if (s.pooling() == Objective.Pooling.FLATTEN) {
                    dim = product(y, 1, rank);
                    v = writer.node("Reshape", layer, writer.constLongs(new long[] {n, dim}));
                } else {
                    dim = channels;
                    v = spatialAxes.length == 0 ? layer : reduceMean(layer, spatialAxes, false);
                }
                String r = GradientGraph.REFERENCE;
                String dot = writer.node("MatMul", v, r);
                String dv;
                if (s.measure() == Objective.Measure.DOT) {
                    writer.node("Identity", List.of(dot), List.of(GradientGraph.OBJECTIVE));
                    dv = writer.node("Expand", writer.node("Reshape", r, writer.constLongs(new long[] {1, dim})), writer.constLongs(new long[] {n, dim}));
                } else {
                    String vv = writer.reduce("ReduceSumSquare", v, new long[] {1}, false);
                    String nv = writer.node("Sqrt", vv);
                    String nr = writer.node("Sqrt", writer.reduce("ReduceSumSquare", r, null, false));
                    String denom = writer.node("Add", writer.node("Mul", nv, nr), writer.constFloat(1e-12f));
                    writer.node("Div", List.of(dot, denom), List.of(GradientGraph.OBJECTIVE));
                    String col = writer.constLongs(new long[] {n, 1});
                    String rRow = writer.node("Reshape", r, writer.constLongs(new long[] {1, dim}));
                    String first = writer.node("Div", rRow, writer.node("Reshape", denom, col));
                    String vScaled = writer.node("Div", v, writer.node("Reshape", writer.node("Add", vv, writer.constFloat(1e-24f)), col));
                    String second = writer.node("Mul", vScaled, writer.node("Reshape", GradientGraph.OBJECTIVE, col));
                    dv = writer.node("Sub", first, second);
                }
                String seed;
                if (s.pooling() == Objective.Pooling.FLATTEN) {
                    seed = writer.node("Reshape", dv, writer.constLongs(y));
                } else if (spatialAxes.length == 0) {
                    seed = dv;
                } else {
                    long[] keep = y.clone();
                    for (long a : spatialAxes) {
                        keep[(int) a] = 1;
                    }
                    seed = writer.node("Expand", writer.node("Mul", writer.node("Reshape", dv, writer.constLongs(keep)), writer.constFloat(1f / positions)),
                            writer.constLongs(y));
                }
                return new ObjectiveParts(r, new long[] {dim}, seed);
            }
            String seed = GradientGraph.SEED;
            long[] all = new long[rank - 1];
            for (int i = 1; i < rank; i++) {
                all[i - 1] = i;
            }
            writer.node("Identity", List.of(writer.reduce("ReduceSum", writer.node("Mul", layer, seed), all, false)),
                    List.of(GradientGraph.OBJECTIVE));
            return new ObjectiveParts(seed, y.clone(), seed);
        }

        private String reduceMean(String x, long[] axes, boolean keep) {
            return writer.reduce("ReduceMean", x, axes, keep);
        }

        private static long[] range(int from, int to) {
            long[] r = new long[to - from];
            for (int i = from; i < to; i++) {
                r[i - from] = i;
            }
            return r;
        }

        // ---------------------------------------------------------------- backward

        private void addGrad(String tensor, String grad) {
            grads.computeIfAbsent(tensor, k -> new ArrayList<>()).add(grad);
        }

        /** The summed gradient of a tensor, or null when nothing reached it. */
        private String total(String tensor) {
            List<String> parts = grads.get(tensor);
            if (parts == null || parts.isEmpty()) {
                return null;
            }
            if (parts.size() == 1) {
                return parts.get(0);
            }
            String sum = writer.node("Sum", parts.toArray(new String[0]));
            grads.put(tensor, new ArrayList<>(List.of(sum)));
            return sum;
        }

        private boolean wants(NodeProto n, int i) {
            return i < n.getInputCount() && active.contains(n.getInput(i));
        }

        private void backward(NodeProto n) {
            String g = total(n.getOutput(0));
            if (g == null) {
                return;
            }
            String op = n.getOpType();
            String x = n.getInput(0);
            String y = n.getOutput(0);
            long[] xs = shapes.get(x);
            long[] ys = shapes.get(y);
            switch (op) {
                case "Identity", "Dropout" -> {
                    if (n.getOpType().equals("Dropout") && n.getInputCount() > 2 && !n.getInput(2).isEmpty()
                            && !isFalseConstant(n.getInput(2))) {
                        throw unsupported(n, "training_mode is not a constant false");
                    }
                    addGrad(x, g);
                }
                case "Neg" -> addGrad(x, writer.node("Neg", g));
                case "Relu" -> addGrad(x, writer.node("Mul", g, writer.node("Sign", y)));
                case "LeakyRelu" -> {
                    float alpha = floatAttr(n, "alpha", 0.01f);
                    addGrad(x, writer.node("Where", writer.node("Greater", x, writer.constFloat(0f)), g, writer.node("Mul", g, writer.constFloat(alpha))));
                }
                case "Clip" -> {
                    String min = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? n.getInput(1) : null;
                    String max = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? n.getInput(2) : null;
                    if (wants(n, 1) || wants(n, 2)) {
                        throw unsupported(n, "bounds that depend on the input");
                    }
                    markUsed(min);
                    markUsed(max);
                    String inside = null;
                    if (min != null) {
                        inside = writer.node("Greater", x, min);
                    }
                    if (max != null) {
                        String below = writer.node("Less", x, max);
                        inside = inside == null ? below : writer.node("And", inside, below);
                    }
                    addGrad(x, inside == null ? g : writer.node("Where", inside, g, writer.constFloat(0f)));
                }
                case "Sigmoid" -> addGrad(x, writer.node("Mul", g, writer.node("Mul", y, writer.node("Sub", writer.constFloat(1f), y))));
                case "Tanh" -> addGrad(x, writer.node("Mul", g, writer.node("Sub", writer.constFloat(1f), writer.node("Mul", y, y))));
                case "Softmax" -> {
                    // before opset 13 Softmax normalises over every axis from `axis` on (default 1), after over one
                    int axis = axis(intAttr(n, "axis", opset >= 13 ? -1 : 1), xs.length);
                    long[] axes = opset >= 13 ? new long[] {axis} : range(axis, xs.length);
                    String s = writer.reduce("ReduceSum", writer.node("Mul", g, y), axes, true);
                    addGrad(x, writer.node("Mul", y, writer.node("Sub", g, s)));
                }
                case "BatchNormalization" -> {
                    for (int i = 1; i < 5; i++) {
                        if (wants(n, i)) {
                            throw unsupported(n, "statistics or scale that depend on the input");
                        }
                    }
                    if (n.getOutputCount() > 1 && n.getOutputList().subList(1, n.getOutputCount()).stream()
                            .anyMatch(o -> !o.isEmpty())) {
                        throw unsupported(n, "training mode (more than one output)");
                    }
                    float eps = floatAttr(n, "epsilon", 1e-5f);
                    String factor = writer.node("Div", n.getInput(1), writer.node("Sqrt", writer.node("Add", n.getInput(4), writer.constFloat(eps))));
                    long[] shape = new long[xs.length - 1];
                    Arrays.fill(shape, 1);
                    shape[0] = xs[1];
                    addGrad(x, writer.node("Mul", g, writer.node("Reshape", factor, writer.constLongs(shape))));
                }
                case "Conv" -> {
                    if (wants(n, 1) || wants(n, 2)) {
                        throw unsupported(n, "weights that depend on the input");
                    }
                    long[] w = shapes.get(n.getInput(1));
                    long[] k = kernel(n, w);
                    String flipped = flippedConv(n, g, xs, ys, k);
                    addGrad(x, flipped != null ? flipped : transposedConv(n, g, n.getInput(1), xs, ys, k,
                            intAttr(n, "group", 1), spatialAttr(n, "dilations", k.length)));
                }
                case "MaxPool" -> addGrad(x, maxPoolGrad(n, g, xs, ys));
                case "AveragePool" -> addGrad(x, averagePoolGrad(n, g, xs, ys));
                case "GlobalAveragePool" -> {
                    long positions = product(xs, 2, xs.length);
                    addGrad(x, writer.node("Expand", writer.node("Mul", g, writer.constFloat(1f / positions)), writer.constLongs(xs)));
                }
                case "ReduceMean", "ReduceSum" -> {
                    if (op.equals("ReduceSum") && wants(n, 1)) {
                        throw unsupported(n, "axes that depend on the input");
                    }
                    long[] axes = reduceAxes(n, xs.length);
                    long count = 1;
                    for (long a : axes) {
                        count *= xs[(int) a];
                    }
                    String kept = writer.node("Reshape", g, writer.constLongs(reduced(xs, axes, true)));
                    if (op.equals("ReduceMean")) {
                        kept = writer.node("Mul", kept, writer.constFloat(1f / count));
                    }
                    addGrad(x, writer.node("Expand", kept, writer.constLongs(xs)));
                }
                case "Add", "Sub" -> {
                    if (wants(n, 0)) {
                        addGrad(x, unbroadcast(g, ys, xs));
                    }
                    if (wants(n, 1)) {
                        String gb = op.equals("Sub") ? writer.node("Neg", g) : g;
                        addGrad(n.getInput(1), unbroadcast(gb, ys, shapes.get(n.getInput(1))));
                    }
                    markUsed(n.getInput(1));
                }
                case "Mul" -> {
                    String b = n.getInput(1);
                    markUsed(b);
                    if (wants(n, 0)) {
                        addGrad(x, unbroadcast(writer.node("Mul", g, b), ys, xs));
                    }
                    if (wants(n, 1)) {
                        addGrad(b, unbroadcast(writer.node("Mul", g, x), ys, shapes.get(b)));
                    }
                }
                case "Div" -> {
                    String b = n.getInput(1);
                    markUsed(b);
                    if (wants(n, 0)) {
                        addGrad(x, unbroadcast(writer.node("Div", g, b), ys, xs));
                    }
                    if (wants(n, 1)) {
                        addGrad(b, unbroadcast(writer.node("Neg", writer.node("Mul", g, writer.node("Div", y, b))), ys, shapes.get(b)));
                    }
                }
                case "Concat" -> {
                    int axis = axis(intAttr(n, "axis", 0), ys.length);
                    long[] sizes = new long[n.getInputCount()];
                    List<String> parts = new ArrayList<>();
                    for (int i = 0; i < sizes.length; i++) {
                        sizes[i] = shapes.get(n.getInput(i))[axis];
                        parts.add(writer.fresh("concat_grad"));
                    }
                    // Split takes the sizes as an input from opset 13, as an attribute before
                    NodeProto.Builder split = NodeProto.newBuilder().setOpType("Split").setName(writer.fresh("Split"))
                            .addInput(g).addAllOutput(parts).addAttribute(writer.intAttribute("axis", axis));
                    if (opset >= 13) {
                        split.addInput(writer.constLongs(sizes));
                    } else {
                        AttributeProto.Builder a = AttributeProto.newBuilder().setName("split")
                                .setType(AttributeProto.AttributeType.INTS);
                        for (long v : sizes) {
                            a.addInts(v);
                        }
                        split.addAttribute(a);
                    }
                    writer.graph().addNode(split);
                    for (int i = 0; i < sizes.length; i++) {
                        if (wants(n, i)) {
                            addGrad(n.getInput(i), parts.get(i));
                        }
                    }
                }
                case "Pad" -> {
                    String mode = stringAttr(n, "mode", "constant");
                    if (!mode.equals("constant")) {
                        throw unsupported(n, "mode '" + mode + "' (only 'constant' has a rule)");
                    }
                    if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
                        throw unsupported(n, "an axes input (pads on some axes only)");
                    }
                    long[] pads = longs(n, 1, "pads");
                    int r = xs.length;
                    List<Long> axes = new ArrayList<>();
                    List<Long> starts = new ArrayList<>();
                    List<Long> ends = new ArrayList<>();
                    long[] regrow = new long[2 * r];
                    boolean grow = false;
                    for (int i = 0; i < r; i++) {
                        long begin = Math.max(0, pads[i]);
                        long end = Math.max(0, pads[i + r]);
                        if (begin > 0 || end > 0) {
                            axes.add((long) i);
                            starts.add(begin);
                            ends.add(ys[i] - end);
                        }
                        regrow[i] = Math.max(0, -pads[i]);
                        regrow[i + r] = Math.max(0, -pads[i + r]);
                        grow |= regrow[i] > 0 || regrow[i + r] > 0;
                    }
                    String gx = g;
                    if (!axes.isEmpty()) {
                        gx = writer.node("Slice", g, writer.constLongs(unbox(starts)), writer.constLongs(unbox(ends)), writer.constLongs(unbox(axes)));
                    }
                    if (grow) {
                        gx = writer.node("Pad", gx, writer.constLongs(regrow));
                    }
                    addGrad(x, gx);
                }
                case "Flatten", "Reshape", "Squeeze", "Unsqueeze" -> addGrad(x, writer.node("Reshape", g, writer.constLongs(xs)));
                case "Transpose" -> {
                    long[] perm = permutation(n, xs.length);
                    long[] inverse = new long[perm.length];
                    for (int i = 0; i < perm.length; i++) {
                        inverse[(int) perm[i]] = i;
                    }
                    addGrad(x, writer.nodeAttrs("Transpose", List.of(g), Map.of("perm", inverse)));
                }
                case "Gemm" -> gemmGrad(n, g, ys);
                case "MatMul" -> {
                    String a = n.getInput(0);
                    String b = n.getInput(1);
                    markUsed(b);
                    if (wants(n, 0)) {
                        addGrad(a, unbroadcast(writer.node("MatMul", g, swapLast(b)), lastTwo(ys, xs), xs));
                    }
                    if (wants(n, 1)) {
                        long[] bs = shapes.get(b);
                        addGrad(b, unbroadcast(writer.node("MatMul", swapLast(a), g), lastTwo(ys, bs), bs));
                    }
                }
                default -> throw unsupported(n, "no gradient rule for it");
            }
        }

        private boolean isFalseConstant(String tensor) {
            TensorProto t = constants.get(tensor);
            return t != null && t.getDataType() == TensorProto.DataType.BOOL_VALUE
                    && (t.getInt32DataCount() > 0 ? t.getInt32Data(0) == 0 : t.getRawData().byteAt(0) == 0);
        }

        private void markUsed(String tensor) {
            if (tensor != null && source.getInitializerList().stream().anyMatch(t -> t.getName().equals(tensor))) {
                usedInitializers.add(tensor);
            }
        }

        private String swapLast(String t) {
            int r = shapes.get(t).length;
            long[] perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = i;
            }
            perm[r - 2] = r - 1;
            perm[r - 1] = r - 2;
            return writer.nodeAttrs("Transpose", List.of(t), Map.of("perm", perm));
        }

        /** The shape of a MatMul operand's gradient before it is summed over the broadcast batch axes. */
        private static long[] lastTwo(long[] ys, long[] operand) {
            long[] s = ys.clone();
            s[s.length - 2] = operand[operand.length - 2];
            s[s.length - 1] = operand[operand.length - 1];
            return s;
        }

        private void gemmGrad(NodeProto n, String g, long[] ys) {
            String a = n.getInput(0);
            String b = n.getInput(1);
            float alpha = floatAttr(n, "alpha", 1f);
            float beta = floatAttr(n, "beta", 1f);
            long transA = intAttr(n, "transA", 0);
            long transB = intAttr(n, "transB", 0);
            markUsed(b);
            if (n.getInputCount() > 2) {
                markUsed(n.getInput(2));
            }
            if (wants(n, 0)) {
                addGrad(a, transA == 0
                        ? gemm(g, b, alpha, 0, transB == 1 ? 0 : 1)
                        : gemm(b, g, alpha, transB, 1));
            }
            if (wants(n, 1)) {
                addGrad(b, transB == 0
                        ? gemm(a, g, alpha, transA == 1 ? 0 : 1, 0)
                        : gemm(g, a, alpha, 1, transA));
            }
            if (wants(n, 2)) {
                String c = n.getInput(2);
                addGrad(c, unbroadcast(writer.node("Mul", g, writer.constFloat(beta)), ys, shapes.get(c)));
            }
        }

        private String gemm(String a, String b, float alpha, long transA, long transB) {
            return writer.nodeAttrs("Gemm", List.of(a, b), Map.of("alpha", alpha, "transA", transA, "transB", transB));
        }

        /** Sums a gradient of shape {@code from} over the axes along which {@code to} was broadcast. */
        private String unbroadcast(String g, long[] from, long[] to) {
            if (Arrays.equals(from, to)) {
                return g;
            }
            int lead = from.length - to.length;
            List<Long> axes = new ArrayList<>();
            for (int i = 0; i < from.length; i++) {
                if (i < lead || to[i - lead] == 1 && from[i] != 1) {
                    axes.add((long) i);
                }
            }
            String reduced = axes.isEmpty() ? g
                    : writer.reduce("ReduceSum", g, unbox(axes), true);
            return writer.node("Reshape", reduced, writer.constLongs(to));
        }

        /**
         * The adjoint of a stride-1 convolution as a convolution with the kernel turned by 180 degrees and its input
         * and output channels swapped within each group, when its weights are known: ONNX Runtime's grouped and
         * depthwise Conv is much faster than its ConvTranspose, which runs one small product per group. Null when
         * the rule does not apply (strides, or pads larger than the dilated kernel).
         */
        private String flippedConv(NodeProto n, String g, long[] xs, long[] ys, long[] k) {
            int d = k.length;
            long[] strides = spatialAttr(n, "strides", d);
            long[] dil = spatialAttr(n, "dilations", d);
            long[] pads = pads(n, xs, k);
            TensorProto weight = constants.get(n.getInput(1));
            if (d != 2 || weight == null || weight.getDataType() != FLOAT
                    || Arrays.stream(strides).anyMatch(s -> s != 1)) {
                return null;
            }
            long[] back = new long[4];
            for (int i = 0; i < 2; i++) {
                back[i] = (k[i] - 1) * dil[i] - pads[i];
                back[i + 2] = (k[i] - 1) * dil[i] - pads[i + 2];
                if (back[i] < 0 || back[i + 2] < 0) {
                    return null;
                }
            }
            long[] ws = shapes.get(n.getInput(1));
            int groups = (int) intAttr(n, "group", 1);
            int m = (int) ws[0];
            int cPerGroup = (int) ws[1];
            int mPerGroup = m / groups;
            int kh = (int) k[0];
            int kw = (int) k[1];
            float[] w = floatValues(weight);
            float[] turned = new float[w.length];
            for (int grp = 0; grp < groups; grp++) {
                for (int mi = 0; mi < mPerGroup; mi++) {
                    for (int ci = 0; ci < cPerGroup; ci++) {
                        int src = ((grp * mPerGroup + mi) * cPerGroup + ci) * kh * kw;
                        int dst = ((grp * cPerGroup + ci) * mPerGroup + mi) * kh * kw;
                        for (int y = 0; y < kh; y++) {
                            for (int x = 0; x < kw; x++) {
                                turned[dst + (kh - 1 - y) * kw + (kw - 1 - x)] = w[src + y * kw + x];
                            }
                        }
                    }
                }
            }
            String kernel = writer.constFloats(turned, (long) groups * cPerGroup, mPerGroup, kh, kw);
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("pads", back);
            attrs.put("dilations", dil);
            attrs.put("kernel_shape", k);
            attrs.put("group", (long) groups);
            return writer.nodeAttrs("Conv", List.of(g, kernel), attrs);
        }

        private static float[] floatValues(TensorProto t) {
            if (!t.getRawData().isEmpty()) {
                ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                float[] v = new float[raw.remaining() / 4];
                raw.asFloatBuffer().get(v);
                return v;
            }
            float[] v = new float[t.getFloatDataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.getFloatData(i);
            }
            return v;
        }

        /**
         * The adjoint of a strided window operator: ConvTranspose with the forward pads, and end pads or output
         * padding chosen so the result has exactly the input's spatial size.
         */
        private String transposedConv(NodeProto n, String g, String weight, long[] xs, long[] ys, long[] k, long group,
                                      long[] dil) {
            int d = k.length;
            long[] strides = spatialAttr(n, "strides", d);
            long[] pads = pads(n, xs, k);
            long[] outPads = pads.clone();
            long[] outputPadding = new long[d];
            for (int i = 0; i < d; i++) {
                long full = strides[i] * (ys[2 + i] - 1) + (k[i] - 1) * dil[i] + 1;
                long rest = xs[2 + i] - (full - pads[i] - pads[i + d]);
                if (rest >= 0) {
                    outputPadding[i] = rest;
                } else {
                    outPads[i + d] = pads[i + d] - rest;
                }
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("strides", strides);
            attrs.put("pads", outPads);
            attrs.put("dilations", dil);
            attrs.put("kernel_shape", k);
            attrs.put("group", group);
            if (Arrays.stream(outputPadding).anyMatch(p -> p > 0)) {
                attrs.put("output_padding", outputPadding);
            }
            markUsed(weight);
            return writer.nodeAttrs("ConvTranspose", List.of(g, weight), attrs);
        }

        private String maxPoolGrad(NodeProto n, String g, long[] xs, long[] ys) {
            if (xs.length != 4) {
                throw unsupported(n, "a max pool over " + (xs.length - 2) + " spatial axes (only 2 have a rule)");
            }
            if (intAttr(n, "storage_order", 0) != 0) {
                throw unsupported(n, "storage_order 1");
            }
            long[] k = kernel(n, null);
            long[] strides = spatialAttr(n, "strides", 2);
            long[] dil = spatialAttr(n, "dilations", 2);
            long[] pads = pads(n, xs, k);
            long c = xs[1];
            long h = xs[2];
            long w = xs[3];
            long oh = ys[2];
            long ow = ys[3];
            int taps = (int) (k[0] * k[1]);
            // E[t, oy, ox]: the flat position (within one channel) that tap t of window (oy, ox) reads, or -1
            long[] expected = new long[(int) (taps * oh * ow)];
            for (int ky = 0; ky < k[0]; ky++) {
                for (int kx = 0; kx < k[1]; kx++) {
                    int t = (int) (ky * k[1] + kx);
                    for (int oy = 0; oy < oh; oy++) {
                        long iy = oy * strides[0] - pads[0] + ky * dil[0];
                        for (int ox = 0; ox < ow; ox++) {
                            long ix = ox * strides[1] - pads[1] + kx * dil[1];
                            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            expected[(int) ((t * oh + oy) * ow + ox)] = inside ? iy * w + ix : -1;
                        }
                    }
                }
            }
            String indices = maxPoolIndices.get(n.getOutput(0));
            String within = writer.node("Mod", indices, writer.constLongScalar(h * w));
            String chosen = writer.unsqueeze(within, 2);
            String mask = writer.nodeAttrs("Cast", List.of(writer.node("Equal", chosen, writer.constLongs(expected, taps, oh, ow))),
                    Map.of("to", (long) FLOAT));
            String routed = writer.node("Mul", mask, writer.unsqueeze(g, 2));
            String stacked = writer.node("Reshape", routed, writer.constLongs(new long[] {ys[0], c * taps, oh, ow}));
            float[] oneHot = new float[(int) (c * taps * taps)];
            for (int ch = 0; ch < c; ch++) {
                for (int t = 0; t < taps; t++) {
                    oneHot[(ch * taps + t) * taps + t] = 1;
                }
            }
            String kernel = writer.constFloats(oneHot, c * taps, 1, k[0], k[1]);
            return transposedConv(n, stacked, kernel, xs, ys, k, c, dil);
        }

        private String averagePoolGrad(NodeProto n, String g, long[] xs, long[] ys) {
            if (Arrays.stream(longsAttr(n, "dilations")).anyMatch(d -> d != 1)) {
                throw unsupported(n, "dilations (an average pool's dilations have no rule)");
            }
            if (xs.length != 4) {
                throw unsupported(n, "an average pool over " + (xs.length - 2) + " spatial axes (only 2 have a rule)");
            }
            long[] k = kernel(n, null);
            long[] strides = spatialAttr(n, "strides", 2);
            long[] pads = pads(n, xs, k);
            boolean includePad = intAttr(n, "count_include_pad", 0) == 1;
            long oh = ys[2];
            long ow = ys[3];
            float[] inverse = new float[(int) (oh * ow)];
            for (int oy = 0; oy < oh; oy++) {
                long[] rows = window(oy, strides[0], pads[0], k[0], xs[2], includePad);
                for (int ox = 0; ox < ow; ox++) {
                    long[] cols = window(ox, strides[1], pads[1], k[1], xs[3], includePad);
                    long count = (rows[1] - rows[0]) * (cols[1] - cols[0]);
                    inverse[(int) (oy * ow + ox)] = count > 0 ? 1f / count : 0f;
                }
            }
            String scaled = writer.node("Mul", g, writer.constFloats(inverse, 1, 1, oh, ow));
            float[] ones = new float[(int) (xs[1] * k[0] * k[1])];
            Arrays.fill(ones, 1f);
            String kernel = writer.constFloats(ones, xs[1], 1, k[0], k[1]);
            return transposedConv(n, scaled, kernel, xs, ys, k, xs[1], new long[] {1, 1});
        }

        /**
         * The rows [start, end) a window's average divides by, as ONNX Runtime counts them: with count_include_pad
         * always the whole kernel (even where a ceil-mode window reaches past the end padding), otherwise the rows
         * inside the input.
         */
        private static long[] window(long o, long stride, long padBegin, long k, long size, boolean includePad) {
            long start = o * stride - padBegin;
            if (includePad) {
                return new long[] {start, start + k};
            }
            return new long[] {Math.max(start, 0), Math.min(start + k, size)};
        }

        // ---------------------------------------------------------------- reading attributes and constants

        private static AttributeProto attr(NodeProto n, String name) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a;
                }
            }
            return null;
        }

        private static long intAttr(NodeProto n, String name, long fallback) {
            AttributeProto a = attr(n, name);
            return a == null ? fallback : a.getI();
        }

        private static float floatAttr(NodeProto n, String name, float fallback) {
            AttributeProto a = attr(n, name);
            return a == null ? fallback : a.getF();
        }

        private static String stringAttr(NodeProto n, String name, String fallback) {
            AttributeProto a = attr(n, name);
            return a == null ? fallback : a.getS().toStringUtf8();
        }

        private static long[] longsAttr(NodeProto n, String name) {
            AttributeProto a = attr(n, name);
            return a == null ? new long[0] : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        }

        /** The int64 values of a constant input (an initializer or a Constant node's output). */
        private long[] longs(NodeProto n, int input, String what) {
            String name = input < n.getInputCount() ? n.getInput(input) : "";
            TensorProto t = constants.get(name);
            if (t == null) {
                throw unsupported(n, "its " + what + " input is computed, not a constant");
            }
            if (t.getDataType() != INT64) {
                throw unsupported(n, "its " + what + " input is not int64");
            }
            if (!t.getRawData().isEmpty()) {
                ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                long[] v = new long[raw.remaining() / 8];
                raw.asLongBuffer().get(v);
                return v;
            }
            return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        }

        private static TensorProto constantValue(NodeProto n) {
            AttributeProto value = attr(n, "value");
            if (value != null) {
                return value.getT().toBuilder().setName(n.getOutput(0)).build();
            }
            AttributeProto f = attr(n, "value_float");
            if (f != null) {
                return TensorProto.newBuilder().setName(n.getOutput(0)).setDataType(FLOAT).addFloatData(f.getF()).build();
            }
            AttributeProto fs = attr(n, "value_floats");
            if (fs != null) {
                return TensorProto.newBuilder().setName(n.getOutput(0)).setDataType(FLOAT).addDims(fs.getFloatsCount())
                        .addAllFloatData(fs.getFloatsList()).build();
            }
            AttributeProto i = attr(n, "value_int");
            if (i != null) {
                return TensorProto.newBuilder().setName(n.getOutput(0)).setDataType(INT64).addInt64Data(i.getI()).build();
            }
            AttributeProto is = attr(n, "value_ints");
            if (is != null) {
                return TensorProto.newBuilder().setName(n.getOutput(0)).setDataType(INT64).addDims(is.getIntsCount())
                        .addAllInt64Data(is.getIntsList()).build();
            }
            throw new UnsupportedOperatorException("Constant", nodeName(n), "a sparse or string value");
        }

        private static long[] dims(TensorProto t) {
            return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        }

        private static int axis(long a, int rank) {
            return (int) (a < 0 ? a + rank : a);
        }

        private static long product(long[] s, int from, int to) {
            long p = 1;
            for (int i = from; i < to; i++) {
                p *= s[i];
            }
            return p;
        }

        private static long[] unbox(List<Long> l) {
            return l.stream().mapToLong(Long::longValue).toArray();
        }

        private static List<Long> boxed(long[] a) {
            return Arrays.stream(a).boxed().toList();
        }
    }
}
