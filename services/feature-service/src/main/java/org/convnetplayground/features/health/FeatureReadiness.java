package org.convnetplayground.features.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.convnetplayground.features.dataset.DatasetRegistry;
import org.convnetplayground.features.onnx.InferenceEngine;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when ONNX Runtime is loaded and the datasets root is readable. */
@Readiness
@ApplicationScoped
public class FeatureReadiness implements HealthCheck {

    @Inject
    InferenceEngine engine;

    @Inject
    DatasetRegistry datasets;

    @Override
    public HealthCheckResponse call() {
        Path root = datasets.root();
        boolean readable = Files.isDirectory(root) && Files.isReadable(root);
        String ort;
        boolean ortUp;
        try {
            ort = engine.version();
            ortUp = true;
        } catch (RuntimeException | LinkageError e) {
            ort = "not loaded: " + e.getMessage();
            ortUp = false;
        }
        return HealthCheckResponse.named("feature-extraction")
                .status(readable && ortUp)
                .withData("datasetsDir", root.toString())
                .withData("datasetsReadable", readable)
                .withData("onnxRuntime", ort)
                .withData("inferenceThreads", engine.threads())
                .build();
    }
}
