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
 * Learns every node's output shape from ONNX Runtime: the graph is loaded with all tensors as outputs and the
 * runtime's own shape inference is read back. Dimensions it cannot infer statically are filled in by one forward
 * pass on a blank image. Loading the model here also proves that ONNX Runtime can run it.
 */
@ApplicationScoped
public class OrtShapeInference {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    /**
     * @param model      the parsed model
     * @param input      the image input
     * @param inputSize  [height, width] to use when the input's spatial size is dynamic
     * @param nhwc       whether the input is laid out N, H, W, C
     * @return output shape per produced tensor, with the batch dimension as -1
     */
    public Map<String, List<Long>> shapes(OnnxModel model, GraphInput input, List<Integer> inputSize, boolean nhwc) {
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
                if (!unresolved.isEmpty()) {
                    resolveByRunning(session, input, inputSize, nhwc, dynamicBatch, unresolved, shapes);
                }
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
            return session.run(Map.of(input, x), new java.util.HashSet<>(outputs));
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot run the model on a blank input of shape "
                    + Arrays.toString(dims) + " (the stated input size): " + e.getMessage(), e);
        }
    }

    private void resolveByRunning(OrtSession session, GraphInput input, List<Integer> size, boolean nhwc,
                                  boolean dynamicBatch, List<String> unresolved, Map<String, List<Long>> shapes)
            throws OrtException {
        long h = size.get(0);
        long w = size.get(1);
        long[] dims = nhwc ? new long[] {1, h, w, 3} : new long[] {1, 3, h, w};
        for (int i = 0; i < Math.min(4, input.rank()); i++) {
            if (input.dim(i) > 0) {
                dims[i] = input.dim(i);
            }
        }
        float[] blank = new float[(int) Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(blank), dims);
             OrtSession.Result result = run(session, input.name(), x, unresolved, dims)) {
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
        }
    }
}
