package org.convnetplayground.features.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.convnetplayground.features.dataset.DatasetRegistry;
import org.convnetplayground.features.extraction.FeatureExtractor;
import org.convnetplayground.features.model.ModelRegistry;
import org.convnetplayground.inference.onnx.InferenceDevice;
import org.convnetplayground.inference.onnx.InferenceEngine;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when ONNX Runtime is loaded, the datasets root is readable and the model catalog answers; reports the
 * device models run on and how work is sized for it.
 */
@Readiness
@ApplicationScoped
public class FeatureReadiness implements HealthCheck {

    @Inject
    InferenceEngine engine;

    @Inject
    DatasetRegistry datasets;

    @Inject
    ModelRegistry models;

    @Inject
    FeatureExtractor extractor;

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
        String catalogProblem = models.catalogProblem();
        InferenceDevice device = engine.device();
        return HealthCheckResponse.named("feature-extraction")
                .status(readable && ortUp && catalogProblem == null)
                .withData("datasetsDir", root.toString())
                .withData("datasetsReadable", readable)
                .withData("onnxRuntime", ort)
                .withData("device", device.id())
                .withData("requestedDevice", device.requested())
                .withData("deviceReason", device.reason())
                .withData("executionProviders", String.join(", ", device.executionProviders()))
                .withData("batchSize", engine.batchSize())
                .withData("decodeThreads", extractor.decodeThreads())
                .withData("inferenceThreads", engine.threads())
                .withData("modelCatalog", models.catalogUrl() + (catalogProblem == null ? " (reachable)" : " (" + catalogProblem + ")"))
                .build();
    }
}
