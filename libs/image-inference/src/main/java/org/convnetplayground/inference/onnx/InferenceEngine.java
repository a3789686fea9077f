package org.convnetplayground.inference.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.convnetplayground.errors.InvalidInputException;
import org.jboss.logging.Logger;

/**
 * Runs models with ONNX Runtime. The only class that touches ONNX Runtime: one environment per process, one
 * session per (model file, set of layers) kept in a small LRU cache and closed when evicted and idle, or on
 * shutdown. A session's outputs are exactly the requested layers (added to the graph as outputs), so one forward
 * pass yields all of them and the runtime skips whatever they do not depend on.
 *
 * <p>The device models run on is chosen once, when the engine is built ({@link DeviceChoice}): a GPU that was asked
 * for but cannot be used stops the build with a message naming what is missing.
 *
 * <p>The sessions live in a {@link SessionCache}, which counts every session creation and forward pass:
 * {@link #close()} waits (bounded) for them before it closes the sessions, because closing a session while a pass
 * runs in it crashes the JVM inside ONNX Runtime.
 *
 * <p>Plain Java: made with {@link #builder()} from values; the host (a service, a Spark executor) closes it once.
 */
public class InferenceEngine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(InferenceEngine.class);

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final InferenceDevice device;
    private final int threads;
    private final int batchSize;
    private final boolean allowSpinning;
    private final SessionCache<String, OrtSession> sessions;

    private InferenceEngine(Builder b) {
        this.threads = b.threads > 0 ? b.threads : Runtime.getRuntime().availableProcessors();
        this.allowSpinning = b.allowSpinning;
        List<String> providers = OrtEnvironment.getAvailableProviders().stream().map(OrtProvider::getName).toList();
        try {
            this.device = DeviceChoice.choose(b.deviceSetting, b.device, providers, NvidiaHost.detect(),
                    new OrtCuda(env), env.getVersion());
        } catch (InferenceDeviceException e) {
            LOG.error(e.getMessage());
            throw e;
        }
        this.batchSize = Math.max(1, device.gpu() ? b.gpuBatchSize : b.batchSize);
        boolean fellBack = !device.gpu() && providers.contains(DeviceChoice.CUDA_PROVIDER);
        LOG.logf(fellBack ? Logger.Level.WARN : Logger.Level.INFO,
                "inference on %s (%s); ONNX Runtime %s with %s; batch %d, %d intra-op threads",
                device.id(), device.reason(), device.onnxRuntimeVersion(), providers, batchSize, threads);
        this.sessions = new SessionCache<>(b.sessionCacheSize, b.shutdownTimeout, b.owner, "inference");
    }

    /** Settings with the feature-service's defaults: the CPU, every core, batches of 16 (64 on a GPU). */
    public static Builder builder() {
        return new Builder();
    }

    /** The settings of an engine; every one has a default. */
    public static final class Builder {
        private String device = InferenceDevice.CPU;
        private String deviceSetting = "device";
        private int threads;
        private int batchSize = 16;
        private int gpuBatchSize = 64;
        private int sessionCacheSize = 6;
        private boolean allowSpinning;
        private Duration shutdownTimeout = Duration.ofSeconds(5);
        private String owner = "inference";

        private Builder() {
        }

        /**
         * Where models run: {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto} (see {@link DeviceChoice}).
         *
         * @param setting the name of the setting it came from, named in messages about it
         */
        public Builder optDevice(String device, String setting) {
            this.device = device;
            this.deviceSetting = setting;
            return this;
        }

        /** ONNX Runtime intra-op threads per session; 0 means one per available core. */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Images per forward pass for batched work on the CPU, and on a GPU. */
        public Builder optBatchSizes(int cpu, int gpu) {
            this.batchSize = cpu;
            this.gpuBatchSize = gpu;
            return this;
        }

        /** How many (model, layer set) sessions stay loaded. */
        public Builder optSessionCacheSize(int sessions) {
            this.sessionCacheSize = sessions;
            return this;
        }

        /** Whether ONNX Runtime's worker threads spin while waiting for work (they burn cores decoders need). */
        public Builder optAllowSpinning(boolean allowSpinning) {
            this.allowSpinning = allowSpinning;
            return this;
        }

        /** How long {@link InferenceEngine#close()} waits for forward passes still running. */
        public Builder optShutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        /** Who runs the engine, for the failure callers get once it closes ("the feature-service"). */
        public Builder optOwner(String owner) {
            this.owner = owner;
            return this;
        }

        /**
         * Chooses the device now.
         *
         * @throws InferenceDeviceException when the device asked for is not a device or cannot be used
         */
        public InferenceEngine build() {
            return new InferenceEngine(this);
        }
    }

    /** Where models run, and why there. */
    public InferenceDevice device() {
        return device;
    }

    public int threads() {
        return threads;
    }

    /** Images per forward pass for batched work, as suits the device. */
    public int batchSize() {
        return batchSize;
    }

    /** The ONNX Runtime version, for health reports. */
    public String version() {
        return env.getVersion();
    }

    /**
     * A handle on a session that outputs {@code layers}; close it when done so the session can be evicted.
     *
     * @param cacheKey  identifies the model file (its checksum)
     * @param modelFile the ONNX file
     * @param inputName the image input's name
     */
    public Runner open(String cacheKey, Path modelFile, String inputName, List<String> layers) {
        String key = cacheKey + "|" + String.join("\u0000", new TreeSet<>(layers));
        return new Runner(sessions.open(key, () -> createSession(modelFile, layers)), inputName, layers);
    }

    private OrtSession createSession(Path modelFile, List<String> layers) {
        try {
            OnnxModel model = OnnxModel.read(modelFile, Long.MAX_VALUE);
            // ONNX Runtime would read external data from the paths the model names (relative ones from the working
            // directory): a model must carry all its values, in every graph and attribute (the catalog checks on
            // import; this is the second line)
            List<String> external = model.externalDataTensors();
            if (!external.isEmpty()) {
                throw new ModelRefusedException("model file " + modelFile.getFileName() + " keeps the values of "
                        + external + " in other files (ONNX external data), which would be read from wherever the "
                        + "model points; it is not run");
            }
            byte[] bytes = model.withOutputs(layers);
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.addConfigEntry("session.intra_op.allow_spinning", allowSpinning ? "1" : "0");
                if (device.gpu()) {
                    // nodes the CUDA provider cannot run fall to the CPU provider, as ONNX Runtime assigns them
                    options.addCUDA(device.cudaDevice());
                }
                OrtSession session = env.createSession(bytes, options);
                LOG.debugf("loaded %s with outputs %s", modelFile.getFileName(), layers);
                return session;
            }
        } catch (IOException | OrtException e) {
            throw InferenceFailedException.cannotLoad("ONNX Runtime cannot load "
                    + modelFile.getFileName() + " with outputs " + layers + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses new work, waits (bounded) for session creations and forward passes to return, then closes every
     * session nothing runs in. Call once, when the host shuts down. A session still in use after the wait is left
     * open until its pass returns: closing it under a running pass would crash the JVM. Work asked for afterwards
     * fails with {@link org.convnetplayground.errors.UnavailableException} ("... is shutting down").
     */
    @Override
    public void close() {
        sessions.close();
    }

    /** Runs batches through one session. Thread-safe; close once. */
    public final class Runner implements AutoCloseable {
        private final SessionCache<String, OrtSession>.Lease lease;
        private final String inputName;
        private final List<String> layers;

        private Runner(SessionCache<String, OrtSession>.Lease lease, String inputName, List<String> layers) {
            this.lease = lease;
            this.inputName = inputName;
            this.layers = List.copyOf(layers);
        }

        /**
         * @param input a batch in the model's layout; a direct buffer avoids one copy
         * @param shape the batch's shape, batch first
         * @return each requested layer's output, by name
         */
        public Map<String, LayerOutput> run(FloatBuffer input, long[] shape) {
            try {
                return lease.use(session -> {
                    try (OnnxTensor x = OnnxTensor.createTensor(env, input, shape);
                         OrtSession.Result result = session.run(Map.of(inputName, x), new HashSet<>(layers))) {
                        Map<String, LayerOutput> out = new LinkedHashMap<>();
                        for (String layer : layers) {
                            OnnxValue v = result.get(layer).orElseThrow();
                            if (!(v instanceof OnnxTensor t)
                                    || t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                                throw InvalidInputException.of("layer '" + layer + "' does not output float values");
                            }
                            out.put(layer, new LayerOutput(t.getInfo().getShape(), t.getFloatBuffer()));
                        }
                        return out;
                    }
                });
            } catch (OrtException e) {
                throw InferenceFailedException.failed("ONNX Runtime failed: " + e.getMessage(), e);
            }
        }

        /** Releases the session, which may then be evicted. Later calls do nothing. */
        @Override
        public void close() {
            lease.close();
        }
    }
}
