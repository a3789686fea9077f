package org.convnetplayground.features.onnx;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.inference.onnx.InferenceEngine;

/**
 * The feature-service's one {@link InferenceEngine} (libs/image-inference), made from its configuration: the device is
 * chosen as the service starts, so one that cannot be used stops the start, and the sessions are closed at shutdown,
 * after the work that uses them has stopped.
 */
@ApplicationScoped
public class InferenceEngines {

    /** Shutdown order: after the work that uses sessions has been stopped. */
    public static final int SHUTDOWN_ORDER = Interceptor.Priority.APPLICATION + 1000;
    /** The setting that names the device, as messages about it say. */
    static final String DEVICE_SETTING = "cnp.features.inference.device";

    @Produces
    @Singleton
    InferenceEngine engine(FeatureConfig config) {
        FeatureConfig.Inference inference = config.inference();
        return InferenceEngine.builder()
                .optDevice(inference.device(), DEVICE_SETTING)
                .optThreads(inference.threads())
                .optBatchSizes(inference.batchSize(), inference.gpuBatchSize())
                .optSessionCacheSize(inference.sessionCacheSize())
                .optAllowSpinning(inference.allowSpinning())
                .optShutdownTimeout(config.shutdownTimeout())
                .optOwner("the feature-service")
                .build();
    }

    /** Makes the engine as the service starts, so that a device that cannot be used stops the start. */
    void onStart(@Observes StartupEvent event, InferenceEngine engine) {
        engine.device();
    }

    /**
     * Refuses new work, waits (bounded) for forward passes to return, then closes every session; a session still in
     * use after the wait is left open until its pass returns (see {@link InferenceEngine#close()}).
     */
    void onShutdown(@Observes @Priority(SHUTDOWN_ORDER) ShutdownEvent event, InferenceEngine engine) {
        engine.close();
    }
}
