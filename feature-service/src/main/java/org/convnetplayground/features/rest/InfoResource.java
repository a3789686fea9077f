package org.convnetplayground.features.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.features.extraction.FeatureExtractor;
import org.convnetplayground.inference.onnx.InferenceDevice;
import org.convnetplayground.inference.onnx.InferenceEngine;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Where this service runs models and how it sizes the work, for the UI's footer and for operators. */
@Path("/info")
@Tag(name = "service", description = "How this feature-service runs models")
public class InfoResource {

    @Inject
    InferenceEngine engine;

    @Inject
    FeatureExtractor extractor;

    @Inject
    FeatureConfig config;

    /** How models run here. */
    @Schema(name = "FeatureServiceInfo")
    public record ServiceInfo(
            @Schema(required = true, description = "The device models run on: `cpu` or `cuda:N` (NVIDIA GPU N).", examples = "cpu")
            String device,
            @Schema(required = true, description = "The configured device (cnp.features.inference.device): cpu, cuda, cuda:N or auto.",
                    examples = "auto") String requestedDevice,
            @Schema(required = true, description = "Why this device was chosen.",
                    examples = "auto: no CUDA execution provider in this build (onnxruntime CPU package)")
            String deviceReason,
            @Schema(required = true, description = "The execution providers this ONNX Runtime build offers (whether or not a device "
                    + "for them is present).", examples = "[\"CPUExecutionProvider\"]") List<String> executionProviders,
            @Schema(required = true, description = "The ONNX Runtime version.", examples = "1.23.2") String onnxRuntimeVersion,
            @Schema(required = true, description = "Images per forward pass in extraction jobs on this device.", examples = "16")
            int batchSize,
            @Schema(required = true, description = "Threads decoding and resizing images for extraction jobs.", examples = "2")
            int decodeThreads,
            @Schema(required = true, description = "ONNX Runtime intra-op threads.", examples = "2") int inferenceThreads,
            @Schema(required = true, description = "Batches decoded ahead of the one being inferred.", examples = "1")
            int prefetchBatches,
            @Schema(required = true, description = "(model, layer set) sessions kept loaded.", examples = "6") int sessionCacheSize) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "How models run here",
            description = "The device models run on (cnp.features.inference.device: cpu, cuda, cuda:N or auto) and "
                    + "why, the execution providers of this ONNX Runtime build, and how extraction work is sized for "
                    + "the device: batch size, decode threads and inference threads.")
    @APIResponse(responseCode = "200", description = "The inference set-up.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ServiceInfo.class),
                    examples = @ExampleObject(name = "on the CPU", value = "{\"device\": \"cpu\", \"requestedDevice\": "
                            + "\"auto\", \"deviceReason\": \"auto: no CUDA execution provider in this build (onnxruntime "
                            + "CPU package)\", \"executionProviders\": [\"CPUExecutionProvider\"], \"onnxRuntimeVersion\": "
                            + "\"1.23.2\", \"batchSize\": 16, \"decodeThreads\": 2, \"inferenceThreads\": 2, "
                            + "\"prefetchBatches\": 1, \"sessionCacheSize\": 6}")))
    public ServiceInfo info() {
        InferenceDevice d = engine.device();
        return new ServiceInfo(d.id(), d.requested(), d.reason(), d.executionProviders(), d.onnxRuntimeVersion(),
                engine.batchSize(), extractor.decodeThreads(), engine.threads(),
                Math.max(0, config.images().prefetchBatches()), Math.max(1, config.inference().sessionCacheSize()));
    }
}
