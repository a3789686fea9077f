package org.convnetplayground.features.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.convnetplayground.errors.InternalFailureException;
import org.convnetplayground.features.config.FeatureConfig;
import org.jboss.logging.Logger;

/**
 * Runs generated graphs (input gradients, the Fourier image of feature visualisation) with ONNX Runtime: one
 * session per key in a small LRU cache, built from the graph's bytes only on a miss, closed when evicted and idle or
 * on shutdown. Callers see float arrays and names only.
 */
@ApplicationScoped
public class GradientSessions {

    private static final Logger LOG = Logger.getLogger(GradientSessions.class);

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final int threads;
    private final int capacity;
    private final boolean allowSpinning;
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);

    @Inject
    public GradientSessions(FeatureConfig config) {
        int configured = config.inference().threads();
        this.threads = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
        this.capacity = Math.max(1, config.gradients().sessionCacheSize());
        this.allowSpinning = config.inference().allowSpinning();
    }

    /** A float tensor: values row-major and the shape. */
    public record Tensor(float[] data, long[] shape) {
    }

    /**
     * A handle on the session of {@code key}; close it when done.
     *
     * @param graph makes the serialised ONNX graph, called only when no session for the key is loaded
     */
    public Graph open(String key, Supplier<byte[]> graph) {
        Entry entry;
        boolean create = false;
        synchronized (sessions) {
            entry = sessions.get(key);
            if (entry == null) {
                entry = new Entry();
                sessions.put(key, entry);
                create = true;
            }
            entry.refs++;
        }
        if (create) {
            try {
                entry.session.complete(create(graph.get()));
            } catch (RuntimeException e) {
                entry.session.completeExceptionally(e);
                synchronized (sessions) {
                    sessions.remove(key, entry);
                }
            }
            evictIdle();
        }
        try {
            return new Graph(entry, entry.session.get());
        } catch (ExecutionException e) {
            release(entry);
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            release(entry);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading a gradient graph", e);
        }
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

    private void release(Entry entry) {
        synchronized (sessions) {
            entry.refs--;
        }
        evictIdle();
    }

    private void evictIdle() {
        List<OrtSession> toClose = new ArrayList<>();
        synchronized (sessions) {
            Iterator<Map.Entry<String, Entry>> it = sessions.entrySet().iterator();
            int excess = sessions.size() - capacity;
            while (excess > 0 && it.hasNext()) {
                Entry e = it.next().getValue();
                if (e.refs == 0 && e.session.isDone() && !e.session.isCompletedExceptionally()) {
                    it.remove();
                    toClose.add(e.session.join());
                    excess--;
                }
            }
        }
        toClose.forEach(GradientSessions::closeQuietly);
    }

    void onShutdown(@Observes ShutdownEvent event) {
        synchronized (sessions) {
            sessions.values().stream().filter(e -> e.session.isDone() && !e.session.isCompletedExceptionally())
                    .forEach(e -> closeQuietly(e.session.join()));
            sessions.clear();
        }
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            LOG.warn("closing a gradient session failed", e);
        }
    }

    private static final class Entry {
        final CompletableFuture<OrtSession> session = new CompletableFuture<>();
        int refs;
    }

    /** Runs one loaded graph. Thread-safe; close once. */
    public final class Graph implements AutoCloseable {
        private final Entry entry;
        private final OrtSession session;
        private boolean closed;

        private Graph(Entry entry, OrtSession session) {
            this.entry = entry;
            this.session = session;
        }

        /** Runs the graph on {@code inputs} and returns the requested float outputs, by name. */
        public Map<String, float[]> run(Map<String, Tensor> inputs, Set<String> outputs) {
            Map<String, OnnxTensor> tensors = new HashMap<>();
            try {
                for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                    tensors.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().data()),
                            e.getValue().shape()));
                }
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
            } catch (OrtException e) {
                throw InternalFailureException.of("ONNX Runtime failed on a gradient graph: " + e.getMessage());
            } finally {
                tensors.values().forEach(OnnxTensor::close);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(entry);
            }
        }
    }
}
