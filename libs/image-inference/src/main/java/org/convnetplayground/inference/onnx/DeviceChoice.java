package org.convnetplayground.inference.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides where models run from the configured device, what this ONNX Runtime build offers and what the machine
 * shows. {@code cpu} is taken as it is; {@code cuda}/{@code cuda:N} either gets that GPU or stops the start with a
 * message naming everything that is missing (never a silent CPU run); {@code auto} takes GPU 0 when it works and
 * the CPU otherwise, saying why.
 */
public final class DeviceChoice {

    /** The execution provider name ONNX Runtime gives CUDA. */
    public static final String CUDA_PROVIDER = "CUDAExecutionProvider";
    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d{1,4}))?");

    /** Tries ONNX Runtime's CUDA execution provider on a device. */
    public interface CudaCheck {
        /** Null when the provider and the CUDA and cuDNN libraries it needs load, else what ONNX Runtime said. */
        String load(int device);

        /** Null when a tiny graph runs on the device, else what ONNX Runtime said. */
        String run(int device);
    }

    private DeviceChoice() {
    }

    /**
     * @param setting     the name of the setting that holds the device, for messages
     *                    ("cnp.features.inference.device")
     * @param requested   the configured device
     * @param providers   the execution providers of this ONNX Runtime build
     * @param host        the NVIDIA driver and devices of this machine
     * @param cuda        tries the CUDA provider (only called when the build has it)
     * @param ortVersion  the ONNX Runtime version, reported with the choice
     * @throws InferenceDeviceException when the requested device is not a device or cannot be used
     */
    public static InferenceDevice choose(String setting, String requested, List<String> providers, NvidiaHost host,
                                         CudaCheck cuda, String ortVersion) {
        String asked = requested == null ? "" : requested.trim().toLowerCase(Locale.ROOT);
        if (asked.equals(InferenceDevice.CPU)) {
            return new InferenceDevice(asked, InferenceDevice.CPU, -1, "configured: " + setting + "=cpu", providers,
                    ortVersion);
        }
        if (asked.equals("auto")) {
            return auto(providers, host, cuda, ortVersion);
        }
        Matcher m = CUDA.matcher(asked);
        if (!m.matches()) {
            throw new InferenceDeviceException("invalid " + setting + ": '" + requested
                    + "'; expected one of cpu, cuda, cuda:N (N = the GPU's index, from 0) or auto");
        }
        int index = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        String id = "cuda:" + index;
        List<String> missing = new ArrayList<>();
        boolean provider = providers.contains(CUDA_PROVIDER);
        if (!provider) {
            missing.add(noProvider(providers));
        }
        missing.addAll(missingHardware(host, index));
        if (provider) {
            String load = cuda.load(index);
            if (load != null) {
                missing.add("the CUDA 12 and cuDNN 9 libraries the CUDA execution provider needs: ONNX Runtime "
                        + "cannot load it (" + load + "; ONNX Runtime's own error just before this names the library "
                        + "it could not open); install them (the GPU image's base has them) or put them on "
                        + "LD_LIBRARY_PATH");
            } else if (missing.isEmpty()) {
                String run = cuda.run(index);
                if (run != null) {
                    missing.add("a working " + id + ": a test graph did not run on it (" + run + ")");
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new InferenceDeviceException(setting + "=" + asked + " cannot be used on this machine; missing: "
                    + String.join("; ", missing) + ". Set " + setting + "=cpu (or auto) to run on the CPU.");
        }
        return new InferenceDevice(asked, id, index, "configured: " + setting + "=" + asked + "; " + describe(host),
                providers, ortVersion);
    }

    private static InferenceDevice auto(List<String> providers, NvidiaHost host, CudaCheck cuda, String ortVersion) {
        String reason;
        if (!providers.contains(CUDA_PROVIDER)) {
            reason = "no CUDA execution provider in this build (onnxruntime CPU package)";
        } else if (!host.hasGpu()) {
            reason = "the CUDA execution provider is there but no NVIDIA GPU: " + String.join("; ", missingHardware(host, 0));
        } else {
            String failure = cuda.load(0);
            if (failure == null) {
                failure = cuda.run(0);
            }
            if (failure == null) {
                return new InferenceDevice("auto", "cuda:0", 0, "auto: the CUDA execution provider and an NVIDIA GPU "
                        + "are present; " + describe(host), providers, ortVersion);
            }
            reason = "the CUDA execution provider did not work on cuda:0 (" + failure + ")";
        }
        return new InferenceDevice("auto", InferenceDevice.CPU, -1, "auto: " + reason, providers, ortVersion);
    }

    private static String noProvider(List<String> providers) {
        return "the CUDA execution provider: this ONNX Runtime build offers only " + providers
                + " (the CPU package com.microsoft.onnxruntime:onnxruntime); build the feature-service with -Pgpu "
                + "(onnxruntime_gpu) or run its GPU image (Dockerfile.gpu)";
    }

    private static List<String> missingHardware(NvidiaHost host, int index) {
        List<String> missing = new ArrayList<>();
        if (host.driver().isEmpty()) {
            missing.add("an NVIDIA driver: " + host.versionFile() + " does not exist (no NVIDIA kernel driver is "
                    + "loaded; in a container, the NVIDIA Container Toolkit must pass the GPU in)");
        }
        if (host.devices().isEmpty()) {
            missing.add("an NVIDIA GPU: there is no " + host.devDir().resolve("nvidia0") + " (nor any other "
                    + host.devDir().resolve("nvidiaN") + ")");
        } else if (index >= host.devices().size()) {
            missing.add("GPU " + index + ": only " + host.devices().size() + " NVIDIA device"
                    + (host.devices().size() == 1 ? " is" : "s are") + " present " + host.devices()
                    + " (they are numbered from 0)");
        }
        return missing;
    }

    private static String describe(NvidiaHost host) {
        return host.devices().size() + " NVIDIA device" + (host.devices().size() == 1 ? "" : "s") + " "
                + host.devices() + ", driver: " + host.driver().orElse("?");
    }
}
