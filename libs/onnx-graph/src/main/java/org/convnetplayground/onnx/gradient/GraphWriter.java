package org.convnetplayground.onnx.gradient;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the nodes and constants of a generated graph, each with a fresh name under "grad/", in the form of the
 * graph's opset (axes as attributes or inputs).
 */
final class GraphWriter {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private final GraphProto.Builder out = GraphProto.newBuilder().setName("gradient");
    private final int opset;
    private int counter;

    GraphWriter(int opset) {
        this.opset = opset;
    }

    /** The graph being written. */
    GraphProto.Builder graph() {
        return out;
    }

    /** A name no other tensor or node of the graph has. */
    String fresh(String prefix) {
        return "grad/" + prefix + "_" + (counter++);
    }

    /** A node without attributes; returns its output. */
    String node(String op, String... inputs) {
        return nodeAttrs(op, List.of(inputs), Map.of());
    }

    /** A node writing to the given outputs. */
    void node(String op, List<String> inputs, List<String> outputs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(fresh(op)).addAllInput(inputs)
                .addAllOutput(outputs);
        out.addNode(b);
    }

    /** A node with attributes (Long, Float or long[]); returns its output. */
    String nodeAttrs(String op, List<String> inputs, Map<String, Object> attrs) {
        return nodeAttrs(op, inputs, attrs, fresh(op.toLowerCase()));
    }

    String nodeAttrs(String op, List<String> inputs, Map<String, Object> attrs, String output) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(fresh(op)).addAllInput(inputs)
                .addOutput(output);
        for (Map.Entry<String, Object> e : new java.util.TreeMap<>(attrs).entrySet()) {
            Object v = e.getValue();
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(e.getKey());
            if (v instanceof Long l) {
                a.setType(AttributeProto.AttributeType.INT).setI(l);
            } else if (v instanceof Float f) {
                a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
            } else if (v instanceof long[] ls) {
                a.setType(AttributeProto.AttributeType.INTS);
                for (long l : ls) {
                    a.addInts(l);
                }
            } else {
                throw new IllegalStateException("attribute type " + v.getClass());
            }
            b.addAttribute(a);
        }
        out.addNode(b);
        return output;
    }

    String constFloat(float v) {
        return constFloats(new float[] {v});
    }

    String constFloats(float[] values, long... dims) {
        String name = fresh("const");
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(shade.com.google.protobuf.ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        out.addInitializer(t);
        return name;
    }

    String constLongScalar(long v) {
        return constLongs(new long[] {v}, new long[0]);
    }

    String constLongs(long[] values) {
        return constLongs(values, new long[] {values.length});
    }

    String constLongs(long[] values, long... dims) {
        String name = fresh("const");
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(INT64)
                .setRawData(shade.com.google.protobuf.ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        out.addInitializer(t);
        return name;
    }

    static ValueInfoProto valueInfo(String name, int type, long[] shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }

    static AttributeProto intAttribute(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    /**
     * A reduction over {@code axes} (all when null) in the form of the model's opset: axes as an input for
     * ReduceSum from opset 13 and for the others from opset 18, as an attribute before.
     */
    String reduce(String op, String x, long[] axes, boolean keep) {
        boolean asInput = op.equals("ReduceSum") ? opset >= 13 : opset >= 18;
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("keepdims", keep ? 1L : 0L);
        List<String> inputs = new ArrayList<>(List.of(x));
        if (axes != null) {
            if (asInput) {
                inputs.add(constLongs(axes));
            } else {
                attrs.put("axes", axes);
            }
        }
        return nodeAttrs(op, inputs, attrs);
    }

    /** Unsqueeze with its axes as an input (opset 13 on) or an attribute (before). */
    String unsqueeze(String x, long... axes) {
        return opset >= 13 ? node("Unsqueeze", x, constLongs(axes))
                : nodeAttrs("Unsqueeze", List.of(x), Map.of("axes", axes));
    }
}
