package org.convnetplayground.features.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** Every setting of the feature-service; keys are {@code cnp.features.*}. */
@ConfigMapping(prefix = "cnp.features")
public interface FeatureConfig {

    /** The datasets root: one folder per dataset, one sub-folder per class. */
    @WithDefault("../shared/datasets")
    Path datasetsDir();

    /** Where the service keeps its own files: model cache, thumbnails, extraction results, uploaded datasets. */
    @WithDefault("data/features")
    Path dataDir();

    /**
     * Folders under which server-side folders may be registered as datasets (nothing outside them is readable);
     * registering is disabled when empty.
     */
    java.util.Optional<java.util.List<Path>> allowedRoots();

    /**
     * How long shutdown waits, first for running jobs to stop (each stops after its current batch), then for forward
     * passes still running (of models, and of the generated gradient graphs), before ONNX Runtime's sessions are
     * closed. A session still in use after it is left open until its pass returns rather than closed under it (which
     * crashes the JVM).
     */
    @WithDefault("PT5S")
    Duration shutdownTimeout();

    /**
     * The largest JSON request body, checked from its Content-Length and while it streams, before it is parsed
     * (uploads are multipart and have their own limits). The largest JSON bodies are extractions of chosen images:
     * 8 MB holds about 200,000 image ids.
     */
    @WithDefault("8M")
    MemorySize maxJsonBodySize();

    /** Limits on dataset imports (zip archives and added images). */
    Imports imports();

    /** Inference settings. */
    Inference inference();

    /** Image decoding limits and thumbnail sizes. */
    Images images();

    /** Extraction job settings. */
    Extraction extraction();

    /** Gradient maps and feature visualisation (generated backward graphs). */
    Gradients gradients();

    interface Inference {
        /**
         * Where models run: {@code cpu}; {@code cuda} or {@code cuda:N} (NVIDIA GPU N through ONNX Runtime's CUDA
         * execution provider; start-up fails, naming what is missing, when it cannot be used); {@code auto} (the GPU
         * when the CUDA execution provider and a device are present, else the CPU).
         */
        @WithDefault("cpu")
        String device();

        /** ONNX Runtime intra-op threads; 0 means one per available core. */
        @WithDefault("0")
        int threads();

        /** Images per forward pass in extraction jobs on the CPU. */
        @WithDefault("16")
        int batchSize();

        /**
         * Images per forward pass in extraction jobs on a GPU: larger batches keep it busy; each image of a batch
         * needs the memory of all its activations on the device.
         */
        @WithDefault("64")
        int gpuBatchSize();

        /**
         * Whether ONNX Runtime's worker threads spin while waiting for work. Spinning saves microseconds per
         * operator when cores are idle, but burns the cores the image decoders need.
         */
        @WithDefault("false")
        boolean allowSpinning();

        /** How many (model, layer set) sessions stay loaded. */
        @WithDefault("6")
        int sessionCacheSize();
    }

    interface Images {
        /** Threads decoding and resizing images, overlapped with inference on the CPU. */
        @WithDefault("2")
        int decodeThreads();

        /**
         * Threads decoding and resizing images when models run on a GPU, where decoding is the bottleneck; 0 means
         * one per available core.
         */
        @WithDefault("0")
        int gpuDecodeThreads();

        /** Batches decoded ahead of the one being inferred (0: decode each batch just before it runs). */
        @WithDefault("1")
        int prefetchBatches();

        /** The largest image file accepted, in bytes. */
        @WithDefault("26214400")
        long maxBytes();

        /** The most pixels (width x height) an image may declare; larger ones are refused before decoding. */
        @WithDefault("50000000")
        long maxPixels();

        /** Thumbnail edge in pixels when none is asked for. */
        @WithDefault("160")
        int thumbnailSize();

        /** The largest thumbnail edge that may be asked for. */
        @WithDefault("512")
        int maxThumbnailSize();
    }

    interface Imports {
        /** The most entries an archive may hold. */
        @WithDefault("20000")
        int maxEntries();

        /** The most bytes an archive may unpack to, counted while unpacking (not trusting its headers). */
        @WithDefault("4000000000")
        long maxUnpackedBytes();
    }

    interface Extraction {
        /** Extraction jobs that run at once (each already uses every core). */
        @WithDefault("1")
        int concurrentJobs();

        /** How long finished jobs and their vectors are kept for clients to fetch. */
        @WithDefault("PT1H")
        Duration retention();

        /** The most values per image that {@code flatten} pooling may produce. */
        @WithDefault("200000")
        int maxFlattenDimensions();
    }

    interface Gradients {
        /**
         * How many generated graphs stay loaded: a model's gradient per (objective, layer), and the Fourier image and
         * its gradient per image size (a visualisation holds three at once).
         */
        @WithDefault("6")
        int sessionCacheSize();

        /** Noisy copies averaged by SmoothGrad. */
        @WithDefault("16")
        int smoothgradSamples();

        /** SmoothGrad's noise, as a fraction of the input's value range (Smilkov et al. suggest 0.1 to 0.2). */
        @WithDefault("0.15")
        double smoothgradNoise();

        /** Optimisation steps of a feature visualisation when none are asked for. */
        @WithDefault("256")
        int defaultSteps();

        /** The most steps a feature visualisation may ask for. */
        @WithDefault("1024")
        int maxSteps();

        /** Adam's learning rate on the Fourier coefficients (Lucid's default). */
        @WithDefault("0.05")
        double learningRate();

        /** Visualisation jobs running at once (each already uses every core). */
        @WithDefault("1")
        int concurrentJobs();

        /** How long finished visualisation jobs are kept for polling (their images stay cached on disk). */
        @WithDefault("PT1H")
        Duration retention();

        /** The most channels one layer overview may render. */
        @WithDefault("64")
        int maxOverviewChannels();
    }
}
