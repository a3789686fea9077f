package org.convnetplayground.inference.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** ONNX Runtime's CUDA execution provider, tried for real: loading it, then running {@link ProbeModel} on a device. */
final class OrtCuda implements DeviceChoice.CudaCheck {

    private final OrtEnvironment env;

    OrtCuda(OrtEnvironment env) {
        this.env = env;
    }

    @Override
    public String load(int device) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(device);
            return null;
        } catch (OrtException | RuntimeException | LinkageError e) {
            return message(e);
        }
    }

    @Override
    public String run(int device) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(device);
            return runProbe(env, options);
        } catch (OrtException | RuntimeException | LinkageError e) {
            return message(e);
        }
    }

    /** Runs the probe with {@code options}; null when it computes Relu correctly, else what went wrong. */
    static String runProbe(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException {
        try (OrtSession session = env.createSession(ProbeModel.BYTES, options);
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {-1.5f, 2.5f}), new long[] {2});
             OrtSession.Result result = session.run(Map.of(ProbeModel.INPUT, x))) {
            OnnxValue y = result.get(ProbeModel.OUTPUT).orElseThrow();
            float[] values = (float[]) y.getValue();
            if (values.length != 2 || values[0] != 0f || values[1] != 2.5f) {
                return "the test graph computed Relu([-1.5, 2.5]) wrongly: " + java.util.Arrays.toString(values);
            }
            return null;
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.trim().replaceAll("\\s+", " ");
    }
}
