package org.convnetplayground.sparkextract;

import java.io.Serializable;
import org.convnetplayground.inference.Pooling;
import org.convnetplayground.inference.image.PreprocessingSpec;

/**
 * What every partition needs to turn images into vectors, sent with the job: the model (its file goes to the executors
 * as a broadcast value), the layer and pooling, and the settings of the feature-service that the vectors depend on
 * (batching, image limits).
 *
 * @param root          the image folder, qualified as Hadoop names it; image ids are paths under it
 * @param modelSha256   the checksum of the ONNX file (the session cache key)
 * @param inputName     the graph input that takes the image
 * @param preprocessing how an image becomes the input
 * @param layer         the layer whose output is pooled
 * @param pooling       how the output becomes one vector
 * @param dimension     values per vector
 * @param engine        how each executor runs ONNX Runtime
 * @param maxBytes      the largest image file taken, as the feature-service's cnp.features.images.max-bytes
 * @param maxPixels     the most pixels an image may have, as cnp.features.images.max-pixels
 */
record ExtractionTask(String root, String modelSha256, String inputName,
                      PreprocessingSpec preprocessing, String layer, Pooling pooling, int dimension,
                      EngineSettings engine, long maxBytes, long maxPixels) implements Serializable {

    /**
     * How an executor runs ONNX Runtime: one engine, and so one session for the model and layer, per executor JVM.
     *
     * @param device    cpu, cuda, cuda:N or auto
     * @param threads   ONNX Runtime intra-op threads per forward pass; Spark runs one pass per task slot at once
     * @param batchSize images per forward pass (the feature-service's cnp.features.inference.batch-size)
     */
    record EngineSettings(String device, int threads, int batchSize) implements Serializable {
    }
}
