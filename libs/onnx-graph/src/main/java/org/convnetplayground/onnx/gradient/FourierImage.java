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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The decorrelated Fourier-space image parametrisation of feature visualisation (Olah et al., Lucid), as an ONNX
 * graph: a 3-channel spectrum, scaled by 1 / frequency (so low frequencies dominate, as in natural images), through
 * an inverse real 2-D DFT written as four matrix products. Input {@link #SPECTRUM} [3, H, 2·(W/2+1)] holds each
 * channel's real parts then its imaginary parts along the last axis; output {@link #IMAGE} [1, 3, H, W] is the
 * (pre-colour, pre-sigmoid) image, {@code irfft2(scale · spectrum) / 4} as Lucid computes it. Being linear, its
 * vector-Jacobian product comes from {@link GradientGraphs} with an {@link Objective.Weighted} objective.
 */
public final class FourierImage {

    /** The graph input. */
    public static final String SPECTRUM = "spectrum";
    /** The graph output. */
    public static final String IMAGE = "image";

    private FourierImage() {
    }

    /** Frequencies along the last axis of the half spectrum. */
    public static int halfWidth(int width) {
        return width / 2 + 1;
    }

    /** The shape of {@link #SPECTRUM} for an image of this size. */
    public static long[] spectrumShape(int height, int width) {
        return new long[] {3, height, 2L * halfWidth(width)};
    }

    /** The model. */
    public static byte[] graph(int height, int width) {
        int wf = halfWidth(width);
        // Lucid: scale = 1 / max(|f|, 1 / max(h, w)) * sqrt(h w), f the 2-D frequency in cycles per pixel
        float[] scale = new float[height * 2 * wf];
        for (int y = 0; y < height; y++) {
            double fy = (y <= (height - 1) / 2 ? y : y - height) / (double) height;
            for (int k = 0; k < wf; k++) {
                double fx = k / (double) width;
                double f = Math.max(Math.sqrt(fx * fx + fy * fy), 1.0 / Math.max(height, width));
                float s = (float) (Math.sqrt((double) width * height) / f);
                scale[y * 2 * wf + k] = s;
                scale[y * 2 * wf + wf + k] = s;
            }
        }
        // along the width: [Ur | Ui] = [re | im] · [[C, S], [-S, C]] with C = c_k cos(2π k x / W) / W,
        // S = c_k sin(...) / W and c_k = 2 except for the constant and Nyquist terms (Hermitian symmetry)
        float[] q = new float[2 * wf * 2 * width];
        for (int k = 0; k < wf; k++) {
            double c = k == 0 || (width % 2 == 0 && k == width / 2) ? 1 : 2;
            for (int x = 0; x < width; x++) {
                double angle = 2 * Math.PI * k * x / width;
                float cos = (float) (c * Math.cos(angle) / width);
                float sin = (float) (c * Math.sin(angle) / width);
                q[k * 2 * width + x] = cos;
                q[k * 2 * width + width + x] = sin;
                q[(wf + k) * 2 * width + x] = -sin;
                q[(wf + k) * 2 * width + width + x] = cos;
            }
        }
        // along the height: image = [Ch | -Sh] · [Ur ; Ui], and Lucid's division by 4
        float[] r = new float[height * 2 * height];
        for (int y = 0; y < height; y++) {
            for (int k = 0; k < height; k++) {
                double angle = 2 * Math.PI * k * y / height;
                r[y * 2 * height + k] = (float) (Math.cos(angle) / height / 4);
                r[y * 2 * height + height + k] = (float) (-Math.sin(angle) / height / 4);
            }
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName("fourier-image")
                .addInput(value(SPECTRUM, 3, height, 2 * wf))
                .addOutput(value(IMAGE, 1, 3, height, width))
                .addInitializer(floats("scale", scale, height, 2 * wf))
                .addInitializer(floats("width_dft", q, 2 * wf, 2 * width))
                .addInitializer(floats("height_dft", r, height, 2 * height))
                .addInitializer(longs("split_shape", 3, height, 2, width))
                .addInitializer(longs("stack_shape", 3, 2 * height, width))
                .addInitializer(longs("image_shape", 1, 3, height, width));
        g.addNode(node("Mul", "scaled", SPECTRUM, "scale"));
        g.addNode(node("MatMul", "along_width", "scaled", "width_dft"));
        g.addNode(node("Reshape", "split", "along_width", "split_shape"));
        g.addNode(node("Transpose", "parts", "split").addAttribute(AttributeProto.newBuilder().setName("perm")
                .setType(AttributeProto.AttributeType.INTS).addInts(0).addInts(2).addInts(1).addInts(3)));
        g.addNode(node("Reshape", "stacked", "parts", "stack_shape"));
        g.addNode(node("MatMul", "planes", "height_dft", "stacked"));
        g.addNode(node("Reshape", IMAGE, "planes", "image_shape"));
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("convnet-playground fourier image")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(GradientGraph.OPSET))
                .setGraph(g).build().toByteArray();
    }

    private static NodeProto.Builder node(String op, String output, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output + "_node").addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        return n;
    }

    private static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    private static TensorProto floats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(shade.com.google.protobuf.ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static TensorProto longs(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(v.length);
        for (long l : v) {
            t.addInt64Data(l);
        }
        return t.build();
    }
}
