package org.convnetplayground.inference.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Choosing the inference device with the real ONNX Runtime of this build (the CPU package) and this machine, which
 * has no NVIDIA GPU: {@code cpu} runs, {@code cuda} is refused naming what is missing, {@code auto} falls back to
 * the CPU and says why.
 */
class DeviceChoiceTest {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final List<String> PROVIDERS =
            OrtEnvironment.getAvailableProviders().stream().map(OrtProvider::getName).toList();
    private static final NvidiaHost HOST = NvidiaHost.detect();
    /** The feature-service's setting, as its messages name it. */
    private static final String SETTING = "cnp.features.inference.device";

    private static InferenceDevice choose(String requested, NvidiaHost host) {
        return DeviceChoice.choose(SETTING, requested, PROVIDERS, host, new OrtCuda(ENV), ENV.getVersion());
    }

    @Test
    void thisBuildIsTheCpuPackage() {
        assertTrue(PROVIDERS.contains("CPUExecutionProvider"), PROVIDERS.toString());
        assertFalse(PROVIDERS.contains(DeviceChoice.CUDA_PROVIDER), "the tests run the CPU build: " + PROVIDERS);
    }

    @Test
    void cpuIsTakenAsConfigured() {
        InferenceDevice d = choose(" CPU ", HOST);
        assertEquals("cpu", d.id());
        assertEquals("cpu", d.requested());
        assertEquals(-1, d.cudaDevice());
        assertFalse(d.gpu());
        assertEquals("configured: cnp.features.inference.device=cpu", d.reason());
        assertEquals(PROVIDERS, d.executionProviders());
        assertEquals(ENV.getVersion(), d.onnxRuntimeVersion());
    }

    @Test
    void cudaIsRefusedNamingTheMissingGpuBuild() {
        InferenceDeviceException e = assertThrows(InferenceDeviceException.class, () -> choose("cuda", HOST));
        String m = e.getMessage();
        assertTrue(m.startsWith("cnp.features.inference.device=cuda cannot be used on this machine; missing: "), m);
        assertTrue(m.contains("the CUDA execution provider"), m);
        assertTrue(m.contains("[CPUExecutionProvider]"), m);
        assertTrue(m.contains("-Pgpu") && m.contains("onnxruntime_gpu") && m.contains("Dockerfile.gpu"), m);
        assertTrue(m.endsWith("Set cnp.features.inference.device=cpu (or auto) to run on the CPU."), m);
    }

    @Test
    void cudaIsRefusedNamingTheMissingDriverAndDeviceOnThisMachine() {
        assumeFalse(HOST.hasGpu(), "this machine has an NVIDIA GPU");
        String m = assertThrows(InferenceDeviceException.class, () -> choose("cuda:0", HOST)).getMessage();
        if (HOST.driver().isEmpty()) {
            assertTrue(m.contains("an NVIDIA driver: /proc/driver/nvidia/version does not exist"), m);
        }
        if (HOST.devices().isEmpty()) {
            assertTrue(m.contains("an NVIDIA GPU: there is no /dev/nvidia0"), m);
        }
    }

    /** With a driver and a GPU on show, only the build is missing, and only the build is named. */
    @Test
    void withADriverAndADeviceOnlyTheBuildIsNamed(@TempDir Path dir) throws IOException {
        NvidiaHost gpuHost = fakeHost(dir, 2);
        assertEquals(List.of("nvidia0", "nvidia1"), gpuHost.devices());
        String m = assertThrows(InferenceDeviceException.class, () -> choose("cuda:1", gpuHost)).getMessage();
        assertTrue(m.startsWith("cnp.features.inference.device=cuda:1 cannot be used"), m);
        assertTrue(m.contains("the CUDA execution provider"), m);
        assertFalse(m.contains("NVIDIA driver") || m.contains("NVIDIA GPU"), m);
    }

    @Test
    void aDeviceIndexBeyondTheDevicesIsNamed(@TempDir Path dir) throws IOException {
        String m = assertThrows(InferenceDeviceException.class, () -> choose("cuda:2", fakeHost(dir, 2))).getMessage();
        assertTrue(m.contains("GPU 2: only 2 NVIDIA devices are present [nvidia0, nvidia1] (they are numbered from 0)"), m);
    }

    @Test
    void autoFallsBackToTheCpuAndSaysWhy() {
        InferenceDevice d = choose("auto", HOST);
        assertEquals("cpu", d.id());
        assertEquals("auto", d.requested());
        assertFalse(d.gpu());
        assertEquals("auto: no CUDA execution provider in this build (onnxruntime CPU package)", d.reason());
    }

    /** A CUDA build on a machine without a GPU: auto names the missing hardware (providers as that build has them). */
    @Test
    void autoWithTheCudaProviderButNoGpuSaysSo(@TempDir Path dir) {
        NvidiaHost none = NvidiaHost.detect(dir.resolve("version"), dir);
        InferenceDevice d = DeviceChoice.choose(SETTING, "auto", List.of("CUDAExecutionProvider", "CPUExecutionProvider"),
                none, new OrtCuda(ENV), ENV.getVersion());
        assertEquals("cpu", d.id());
        assertTrue(d.reason().startsWith("auto: the CUDA execution provider is there but no NVIDIA GPU: an NVIDIA driver: "),
                d.reason());
    }

    @Test
    void somethingElseIsNotADevice() {
        for (String bad : List.of("gpu", "cuda:", "cuda:-1", "cuda:x", "", "rocm")) {
            String m = assertThrows(InferenceDeviceException.class, () -> choose(bad, HOST)).getMessage();
            assertEquals("invalid cnp.features.inference.device: '" + bad
                    + "'; expected one of cpu, cuda, cuda:N (N = the GPU's index, from 0) or auto", m);
        }
    }

    /** The probe graph that checks a GPU at start-up is a valid ONNX model and computes Relu (here on the CPU). */
    @Test
    void theProbeModelRunsAndComputesRelu() throws Exception {
        OnnxModel parsed = OnnxModel.parse(ProbeModel.BYTES);
        assertEquals(1, parsed.graph().nodes().size());
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            assertNull(OrtCuda.runProbe(ENV, options));
        }
    }

    @Test
    void theHostIsReadFromTheDriverFilesAndDeviceNodes(@TempDir Path dir) throws IOException {
        NvidiaHost host = fakeHost(dir, 11);
        assertEquals("NVRM version: NVIDIA UNIX x86_64 Kernel Module 550.54.14 Thu Feb 22 01:44:30 UTC 2024",
                host.driver().orElseThrow(), "the first line, spaces collapsed");
        assertEquals(11, host.devices().size());
        assertEquals("nvidia10", host.devices().get(10), "numeric order");
        assertTrue(host.hasGpu());
        assertFalse(NvidiaHost.detect(dir.resolve("absent"), dir.resolve("absent")).hasGpu());
    }

    private static NvidiaHost fakeHost(Path dir, int devices) throws IOException {
        Path version = Files.writeString(dir.resolve("version"),
                "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\n");
        Path dev = Files.createDirectories(dir.resolve("dev"));
        Files.createFile(dev.resolve("nvidiactl"));
        Files.createFile(dev.resolve("nvidia-uvm"));
        for (int i = 0; i < devices; i++) {
            Files.createFile(dev.resolve("nvidia" + i));
        }
        return NvidiaHost.detect(version, dev);
    }
}
