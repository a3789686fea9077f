package org.convnetplayground.features.extraction;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.convnetplayground.inference.Pooling;

/**
 * What a finished extraction job produced. The vectors themselves are fetched per layer as binary.
 *
 * @param dataset          the dataset id
 * @param datasetVersion   the dataset version the vectors were computed from
 * @param model            the model id
 * @param modelSha256      the checksum of the model file that ran
 * @param pooling          how outputs became vectors
 * @param layers           each layer with its vector dimension
 * @param items            the images that have vectors, in row order
 * @param skipped          images that could not be used, with the reason
 * @param seconds          wall time of the job
 * @param imagesPerSecond  throughput of the job
 * @param inferenceSeconds time spent in forward passes
 * @param waitSeconds      time the model waited for decoded images
 * @param modelLoadSeconds time spent opening the model session (loading it unless it was cached)
 */
@Schema(name = "ExtractionResult", description = "What an extraction job produced; fetch each layer's vectors from "
        + "/api/features/extractions/{id}/vectors?layer=... as float32 little-endian rows in `items` order.")
public record ExtractionResult(
        String dataset,
        String datasetVersion,
        String model,
        String modelSha256,
        Pooling pooling,
        List<LayerVectors> layers,
        List<Item> items,
        List<Skipped> skipped,
        double seconds,
        double imagesPerSecond,
        double inferenceSeconds,
        double waitSeconds,
        @Schema(description = "Seconds spent opening the model session: loading the model, unless a session with "
                + "these layers was still cached.") double modelLoadSeconds) {

    /** A layer's vectors: {@code dimension} floats per item. */
    public record LayerVectors(String name, int dimension) {
    }

    /** An image that has a vector. */
    public record Item(String id, String label) {
    }

    /** An image left out, and why. */
    public record Skipped(String id, String reason) {
    }
}
