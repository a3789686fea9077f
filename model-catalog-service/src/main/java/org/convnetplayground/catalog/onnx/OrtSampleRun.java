package org.convnetplayground.catalog.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.convnetplayground.onnx.graph.GraphInput;
import org.convnetplayground.onnx.graph.InvalidModelException;
import org.convnetplayground.onnx.graph.OnnxModel;

/**
 * Loads a model in ONNX Runtime with every tensor as an output and runs it once on a sample image: the runtime's own
 * shape inference gives each node's output shape (dimensions it cannot infer statically are read from the run), and
 * every float tensor of the run must be finite - a model whose preprocessing or weights make NaN or infinity out of an
 * ordinary image is refused naming the first such tensor. Loading and running it here also proves that ONNX Runtime
 * can run it.
 */
@ApplicationScoped
public class OrtSampleRun {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    /**
     * @param model      the parsed model
     * @param input      the image input
     * @param inputSize  [height, width] to use when the input's spatial size is dynamic
     * @param nhwc       whether the input is laid out N, H, W, C
     * @param mean       per channel, in the model's channel order, in pixel units
     * @param std        per channel, likewise
     * @return output shape per produced tensor, with the batch dimension as -1
     * @throws NonFiniteOutputException when the sample image gives NaN or infinity anywhere
     * @throws InvalidModelException    when ONNX Runtime cannot load or run the model
     */
    public Map<String, List<Long>> shapes(OnnxModel model, GraphInput input, List<Integer> inputSize, boolean nhwc,
                                          List<Double> mean, List<Double> std) {
        List<String> tensors = new ArrayList<>(model.graph().producedTensors());
        String batchSymbol = input.dims().isEmpty() ? "" : input.dims().get(0);
        boolean dynamicBatch = input.rank() > 0 && input.dim(0) < 0;
        Map<String, List<Long>> shapes = new HashMap<>();
        refuseExternalData(model);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model.withOutputs(tensors), options)) {
                List<String> unresolved = new ArrayList<>();
                for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
                    if (!(e.getValue().getInfo() instanceof TensorInfo info)) {
                        continue;
                    }
                    long[] shape = info.getShape();
                    String[] names = info.getDimensionNames();
                    List<Long> dims = new ArrayList<>(shape.length);
                    boolean complete = true;
                    for (int i = 0; i < shape.length; i++) {
                        boolean batch = i == 0 && dynamicBatch && names != null && names.length > 0
                                && batchSymbol.equals(names[0]);
                        dims.add(batch ? -1L : shape[i]);
                        complete &= batch || shape[i] >= 0;
                    }
                    shapes.put(e.getKey(), dims);
                    if (!complete) {
                        unresolved.add(e.getKey());
                    }
                }
                runSample(session, input, inputSize, nhwc, mean, std, dynamicBatch, tensors, unresolved, shapes);
            }
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
        return shapes;
    }

    /**
     * ONNX Runtime opens the file a tensor's external data names - relative to the working directory, as the model
     * is given as bytes - so it never gets a model that names one, wherever the tensor hides (the import check
     * refuses such models first; this guards every other way a model reaches ONNX Runtime, such as a store folder
     * written by an older version).
     */
    private static void refuseExternalData(OnnxModel model) {
        List<OnnxModel.ExternalData> external = model.externalData();
        if (!external.isEmpty()) {
            OnnxModel.ExternalData first = external.get(0);
            throw new InvalidModelException("the model refers to external data (tensor '" + first.tensor() + "', "
                    + first.where() + ", names the file '" + first.location() + "'); it is not given to ONNX Runtime");
        }
    }

    private static OrtSession.Result run(OrtSession session, String input, OnnxTensor x, List<String> outputs,
                                         long[] dims) {
        try {
            return session.run(Map.of(input, x), new java.util.LinkedHashSet<>(outputs));
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot run the model on a sample image of shape "
                    + Arrays.toString(dims) + " (the stated input size): " + e.getMessage(), e);
        }
    }

    /**
     * Runs the sample image, fills in the shapes left unresolved, and checks every float tensor for NaN and infinity,
     * reporting the first in graph order.
     */
    private void runSample(OrtSession session, GraphInput input, List<Integer> size, boolean nhwc, List<Double> mean,
                           List<Double> std, boolean dynamicBatch, List<String> tensors, List<String> unresolved,
                           Map<String, List<Long>> shapes) throws OrtException {
        long h = size.get(0);
        long w = size.get(1);
        long[] dims = nhwc ? new long[] {1, h, w, 3} : new long[] {1, 3, h, w};
        for (int i = 0; i < Math.min(4, input.rank()); i++) {
            if (input.dim(i) > 0) {
                dims[i] = input.dim(i);
            }
        }
        float[] sample = sample(dims, nhwc, mean, std);
        List<String> outputs = tensors.stream().filter(shapes::containsKey).toList();
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(sample), dims);
             OrtSession.Result result = run(session, input.name(), x, outputs, dims)) {
            for (String name : unresolved) {
                result.get(name).ifPresent(v -> {
                    if (v.getInfo() instanceof TensorInfo info) {
                        List<Long> concrete = new ArrayList<>();
                        long[] s = info.getShape();
                        for (int i = 0; i < s.length; i++) {
                            concrete.add(i == 0 && dynamicBatch ? -1L : s[i]);
                        }
                        shapes.put(name, concrete);
                    }
                });
            }
            for (String name : outputs) {
                if (result.get(name).orElse(null) instanceof OnnxTensor t) {
                    String bad = nonFinite(t);
                    if (bad != null) {
                        throw new NonFiniteOutputException(name, "the model's sample run gives " + bad + " in layer '"
                                + name + "': an image of pixel values 0 to 255, preprocessed with the stated mean "
                                + mean + " and std " + std + ", should give finite numbers everywhere; check the "
                                + "preprocessing (pixel units 0..255) and the weights");
                    }
                }
            }
        }
    }

    /**
     * A smooth image covering the pixel values 0..255 in every channel (shifted per channel), preprocessed as the
     * model expects: (pixel - mean) / std per channel.
     */
    static float[] sample(long[] dims, boolean nhwc, List<Double> mean, List<Double> std) {
        int h = (int) (nhwc ? dims[1] : dims[2]);
        int w = (int) (nhwc ? dims[2] : dims[3]);
        int channels = (int) (nhwc ? dims[3] : dims[1]);
        float[] out = new float[(int) Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double ramp = (x + y) * 255.0 / Math.max(1, h + w - 2);
                for (int c = 0; c < channels; c++) {
                    double pixel = (ramp + c * 85) % 256;
                    double m = mean.get(Math.min(c, mean.size() - 1));
                    double s = std.get(Math.min(c, std.size() - 1));
                    int at = nhwc ? (y * w + x) * channels + c : (c * h + y) * w + x;
                    out[at] = (float) ((pixel - m) / s);
                }
            }
        }
        return out;
    }

    /** "NaN" or "infinity" when the tensor holds one (float32 or float64), else null. */
    private static String nonFinite(OnnxTensor t) {
        TensorInfo info = t.getInfo();
        if (info.type == ai.onnxruntime.OnnxJavaType.FLOAT) {
            FloatBuffer b = t.getFloatBuffer();
            while (b.hasRemaining()) {
                float v = b.get();
                if (!Float.isFinite(v)) {
                    return Float.isNaN(v) ? "NaN" : "infinity";
                }
            }
        } else if (info.type == ai.onnxruntime.OnnxJavaType.DOUBLE) {
            java.nio.DoubleBuffer b = t.getDoubleBuffer();
            while (b.hasRemaining()) {
                double v = b.get();
                if (!Double.isFinite(v)) {
                    return Double.isNaN(v) ? "NaN" : "infinity";
                }
            }
        }
        return null;
    }
}
