package org.convnetplayground.onnx.gradient;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Random;

/** Builds small opset-13 graphs in a test: one float input "x" with a dynamic batch, random weights, one output. */
final class TinyGraph {

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny");
    private final Random random;
    private int counter;
    private int opset = 13;

    TinyGraph(long seed, long... inputDims) {
        this.random = new Random(seed);
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int i = 1; i < inputDims.length; i++) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(inputDims[i]));
        }
        graph.addInput(ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape))));
    }

    /** An initializer of random normal values times {@code scale}. */
    String weight(double scale, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return floats(v, dims);
    }

    /** An initializer of positive values in [lo, hi). */
    String positive(double lo, double hi, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + random.nextDouble() * (hi - lo));
        }
        return floats(v, dims);
    }

    /** The opset the model declares (13 unless set). */
    TinyGraph opset(int version) {
        this.opset = version;
        return this;
    }

    String floats(float[] values, long... dims) {
        String name = "w" + (counter++);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        graph.addInitializer(t);
        return name;
    }

    String longs(long... values) {
        String name = "i" + (counter++);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length).addAllInt64Data(java.util.Arrays.stream(values).boxed().toList()));
        return name;
    }

    /** A Constant node holding a float scalar (as exporters write Clip bounds). */
    String constant(float value) {
        String name = "c" + (counter++);
        graph.addNode(NodeProto.newBuilder().setOpType("Constant").setName(name + "_node").addOutput(name)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(value))));
        return name;
    }

    /** Adds a node; attributes are name/value pairs (Long, Float, String or long[]). Returns its output. */
    String node(String op, String[] inputs, Object... attributes) {
        String out = op.toLowerCase() + (counter++);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out + "_node").addOutput(out);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (int i = 0; i < attributes.length; i += 2) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName((String) attributes[i]);
            Object v = attributes[i + 1];
            if (v instanceof Integer || v instanceof Long) {
                a.setType(AttributeProto.AttributeType.INT).setI(((Number) v).longValue());
            } else if (v instanceof Float || v instanceof Double) {
                a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) v).floatValue());
            } else if (v instanceof String s) {
                a.setType(AttributeProto.AttributeType.STRING)
                        .setS(shade.com.google.protobuf.ByteString.copyFromUtf8(s));
            } else {
                a.setType(AttributeProto.AttributeType.INTS);
                for (long l : (long[]) v) {
                    a.addInts(l);
                }
            }
            n.addAttribute(a);
        }
        graph.addNode(n);
        return out;
    }

    static String[] in(String... names) {
        return names;
    }

    static long[] ints(long... values) {
        return values;
    }

    /** The model with {@code output} as its graph output (type left to inference). */
    byte[] build(String output) {
        GraphProto g = graph.clone().addOutput(ValueInfoProto.newBuilder().setName(output)).build();
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(g).build().toByteArray();
    }
}
