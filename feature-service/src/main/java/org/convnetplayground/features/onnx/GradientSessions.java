package org.convnetplayground.features.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.convnetplayground.errors.InternalFailureException;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.inference.onnx.SessionCache;

/**
 * Runs generated graphs (input gradients, the Fourier image of feature visualisation) with ONNX Runtime: one
 * session per key in a small LRU {@link SessionCache}, built from the graph's bytes only on a miss, closed when
 * evicted and idle, or on shutdown once the passes running in it have returned (bounded by
 * {@code cnp.features.shutdown-timeout}). Callers see float arrays and names only.
 */
@ApplicationScoped
public class GradientSessions {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final int threads;
    private final boolean allowSpinning;
    private final SessionCache<String, OrtSession> sessions;

    @Inject
    public GradientSessions(FeatureConfig config) {
        int configured = config.inference().threads();
        this.threads = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
        this.allowSpinning = config.inference().allowSpinning();
        this.sessions = new SessionCache<>(config.gradients().sessionCacheSize(), config.shutdownTimeout(),
                "the feature-service", "gradient graphs");
    }

    /** A float tensor: values row-major and the shape. */
    public record Tensor(float[] data, long[] shape) {
    }

    /**
     * A handle on the session of {@code key}; close it when done.
     *
     * @param graph makes the serialised ONNX graph, called only when no session for the key is loaded
     * @throws org.convnetplayground.errors.UnavailableException once the service is shutting down
     */
    public Graph open(String key, Supplier<byte[]> graph) {
        return new Graph(sessions.open(key, () -> create(graph.get())));
    }

    private OrtSession create(byte[] bytes) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", allowSpinning ? "1" : "0");
            return env.createSession(bytes, options);
        } catch (OrtException e) {
            throw InternalFailureException.of("ONNX Runtime cannot load a generated gradient graph: " + e.getMessage());
        }
    }

    /**
     * Refuses new work, waits (bounded) for passes still running, then closes the sessions; one still busy after the
     * wait is closed when its pass returns, never under it. Runs with the inference engine's shutdown, after the
     * visualisation jobs were told to stop.
     */
    void onShutdown(@Observes @Priority(InferenceEngines.SHUTDOWN_ORDER) ShutdownEvent event) {
        sessions.close();
    }

    /** Runs one loaded graph. Thread-safe; close once. */
    public final class Graph implements AutoCloseable {
        private final SessionCache<String, OrtSession>.Lease lease;

        private Graph(SessionCache<String, OrtSession>.Lease lease) {
            this.lease = lease;
        }

        /**
         * Runs the graph on {@code inputs} and returns the requested float outputs, by name.
         *
         * @throws org.convnetplayground.errors.UnavailableException once the service is shutting down
         */
        public Map<String, float[]> run(Map<String, Tensor> inputs, Set<String> outputs) {
            Map<String, OnnxTensor> tensors = new HashMap<>();
            try {
                for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                    tensors.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().data()),
                            e.getValue().shape()));
                }
                return lease.use(session -> {
                    try (OrtSession.Result result = session.run(tensors, outputs)) {
                        Map<String, float[]> out = new LinkedHashMap<>();
                        for (String name : outputs) {
                            OnnxValue v = result.get(name).orElseThrow();
                            FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
                            float[] values = new float[b.remaining()];
                            b.get(values);
                            out.put(name, values);
                        }
                        return out;
                    }
                });
            } catch (OrtException e) {
                throw InternalFailureException.of("ONNX Runtime failed on a gradient graph: " + e.getMessage());
            } finally {
                tensors.values().forEach(OnnxTensor::close);
            }
        }

        @Override
        public void close() {
            lease.close();
        }
    }
}
