package org.convnetplayground.sparkextract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.convnetplayground.inference.onnx.InferenceEngine;

/**
 * The one {@link InferenceEngine} of this JVM (a Spark executor, or the driver in local mode): every task of the
 * executor runs its batches through the same ONNX Runtime session, which the engine keeps by model and layer. Closed
 * when the JVM ends. The model's file comes with the job as a broadcast value and is written to this JVM's disk once.
 */
final class ExecutorEngine {

    /** The setting that names the device, in messages about it. */
    static final String DEVICE_SETTING = "--device";

    private static InferenceEngine engine;
    private static ExtractionTask.EngineSettings built;
    private static final Map<String, Path> MODEL_FILES = new HashMap<>();

    private ExecutorEngine() {
    }

    /** The engine of this JVM, made on first use with {@code settings}. */
    static synchronized InferenceEngine get(ExtractionTask.EngineSettings settings) {
        if (engine == null) {
            // every task slot runs its own forward pass; ONNX Runtime's own threads would compete with them
            InferenceEngine made = InferenceEngine.builder()
                    .optDevice(settings.device(), DEVICE_SETTING)
                    .optThreads(settings.threads())
                    .optBatchSizes(settings.batchSize(), settings.batchSize())
                    .optOwner("the Spark extraction job")
                    .build();
            Runtime.getRuntime().addShutdownHook(new Thread(made::close, "close-inference"));
            engine = made;
            built = settings;
        } else if (!built.equals(settings)) {
            throw new IllegalStateException("this JVM already runs inference with " + built + ", not " + settings);
        }
        return engine;
    }

    /** Makes a model file already on this JVM's disk (the driver's, in local mode) known by its checksum. */
    static synchronized void knownModel(String sha256, Path file) {
        MODEL_FILES.putIfAbsent(sha256, file);
    }

    /**
     * The model's ONNX file on this JVM's disk: the one already known, or the broadcast bytes written to a temporary
     * file (deleted when the JVM ends) and checked against the checksum.
     */
    static synchronized Path modelFile(String sha256, Broadcast<byte[]> bytes) {
        Path known = MODEL_FILES.get(sha256);
        if (known != null && Files.isRegularFile(known)) {
            return known;
        }
        try {
            Path file = Files.createTempFile("spark-extract-" + sha256.substring(0, Math.min(12, sha256.length())),
                    ".onnx");
            file.toFile().deleteOnExit();
            Files.write(file, bytes.value());
            String actual = JobModel.sha256(file);
            if (!actual.equalsIgnoreCase(sha256)) {
                throw new IllegalStateException("the model file sent to this executor has SHA-256 " + actual
                        + ", expected " + sha256);
            }
            MODEL_FILES.put(sha256, file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model file on this executor", e);
        }
    }
}
