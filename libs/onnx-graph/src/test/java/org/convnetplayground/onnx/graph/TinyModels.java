package org.convnetplayground.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;

/** Builds small ONNX graphs in code, so tests know every weight and can compute exact outputs by hand. */
final class TinyModels {

    static final float[] WEIGHTS = {
        // filter 0: centre pixel
        0, 0, 0, 0, 1, 0, 0, 0, 0,
        // filter 1: minus the sum of the 3x3 neighbourhood
        -1, -1, -1, -1, -1, -1, -1, -1, -1};
    static final float[] BIAS = {0.5f, 2f};

    private TinyModels() {
    }

    /** x[batch,1,4,4] -> Conv(2 filters 3x3, pad 1) "conv" -> Relu "relu" -> ReduceMean(H,W) "pool". */
    static ModelProto convReluPool() {
        GraphProto graph = GraphProto.newBuilder()
                .setName("tiny")
                .addInput(tensor("x", "batch", 1, 4, 4))
                .addOutput(tensor("pool", "batch", 2, 1, 1))
                .addInitializer(floats("W", WEIGHTS, 2, 1, 3, 3))
                .addInitializer(floats("B", BIAS, 2))
                .addNode(NodeProto.newBuilder().setName("conv_node").setOpType("Conv")
                        .addInput("x").addInput("W").addInput("B").addOutput("conv")
                        .addAttribute(ints("pads", 1, 1, 1, 1)).addAttribute(ints("kernel_shape", 3, 3)))
                .addNode(NodeProto.newBuilder().setName("relu_node").setOpType("Relu")
                        .addInput("conv").addOutput("relu"))
                .addNode(NodeProto.newBuilder().setName("pool_node").setOpType("ReduceMean")
                        .addInput("relu").addOutput("pool")
                        .addAttribute(ints("axes", 2, 3))
                        .addAttribute(AttributeProto.newBuilder().setName("keepdims").setI(1)
                                .setType(AttributeProto.AttributeType.INT)))
                .build();
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(graph).build();
    }

    static ValueInfoProto tensor(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String s) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    static TensorProto floats(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** The expected "conv" output for one 4x4 image, computed directly. */
    static float[][] convByHand(float[] image) {
        float[][] out = new float[2][16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                float neighbourhood = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy >= 0 && yy < 4 && xx >= 0 && xx < 4) {
                            neighbourhood += image[yy * 4 + xx];
                        }
                    }
                }
                out[0][y * 4 + x] = image[y * 4 + x] + BIAS[0];
                out[1][y * 4 + x] = -neighbourhood + BIAS[1];
            }
        }
        return out;
    }

    static List<String> layerNames() {
        return List.of("conv", "relu", "pool");
    }
}
