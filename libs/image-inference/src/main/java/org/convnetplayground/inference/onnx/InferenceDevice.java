package org.convnetplayground.inference.onnx;

import java.util.List;

/**
 * Where this service runs its models, chosen once at start-up.
 *
 * @param requested          the configured value: cpu, cuda, cuda:N or auto
 * @param id                 the device in use: "cpu" or "cuda:N"
 * @param cudaDevice         the CUDA device index, or -1 on the CPU
 * @param reason             why this device, for people ("auto: no CUDA execution provider in this build ...")
 * @param executionProviders what this ONNX Runtime build offers ("CPUExecutionProvider", ...)
 * @param onnxRuntimeVersion the ONNX Runtime version
 */
public record InferenceDevice(String requested, String id, int cudaDevice, String reason,
                              List<String> executionProviders, String onnxRuntimeVersion) {

    public static final String CPU = "cpu";

    public InferenceDevice {
        executionProviders = List.copyOf(executionProviders);
    }

    /** Whether models run on an NVIDIA GPU. */
    public boolean gpu() {
        return cudaDevice >= 0;
    }
}
