package org.convnetplayground.features.extraction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.features.dataset.DatasetImage;
import org.convnetplayground.inference.image.ImageCodec;
import org.convnetplayground.inference.image.PreprocessingSpec;
import org.convnetplayground.features.model.ModelInfo;
import org.convnetplayground.inference.onnx.InferenceEngine;
import org.convnetplayground.inference.onnx.LayerOutput;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.inference.image.ImageTooLargeException;

/**
 * Runs a model over a list of images in batches: a pool of decode threads prepares the next batch (decode,
 * resize, crop, normalise into a direct buffer) while ONNX Runtime runs the current one, and each batch's layer
 * outputs go to a consumer. Images that cannot be used are zero-filled in their slot and reported, never fatal.
 */
final class DatasetPipeline {

    /** What happened to one image of a batch: why it was skipped, or how it was prepared. */
    record Slot(String failure, ImageCodec.Prepared prepared) {
        boolean ok() {
            return failure == null;
        }
    }

    /** Receives each batch's outputs; rows are images {@code from .. from + count - 1} of the list. */
    interface BatchConsumer {
        void accept(int from, int count, Map<String, LayerOutput> outputs, Slot[] slots) throws IOException;
    }

    /**
     * Wall time, time in forward passes, time the model waited for decoded images, and time spent opening the model
     * session (loading it, unless a cached session was ready).
     */
    record Timing(double seconds, double inferenceSeconds, double waitSeconds, double loadSeconds) {
    }

    private final ImageCodec codec;
    private final InferenceEngine engine;
    private final FeatureConfig config;
    private final ExecutorService decoders;
    private final ExtractionMetrics metrics;

    DatasetPipeline(ImageCodec codec, InferenceEngine engine, FeatureConfig config, ExecutorService decoders,
                    ExtractionMetrics metrics) {
        this.codec = codec;
        this.engine = engine;
        this.config = config;
        this.decoders = decoders;
        this.metrics = metrics;
    }

    /**
     * @param modelFile the model's file, asked for once the first batches are decoding (fetching it from the catalog
     *                  on first use overlaps with decoding)
     */
    Timing run(List<DatasetImage> images, ModelInfo model, Supplier<Path> modelFile, List<String> layers,
               JobContext ctx, BatchConsumer consumer) throws IOException {
        long started = System.nanoTime();
        PreprocessingSpec spec = model.preprocessing();
        int n = images.size();
        int batchSize = engine.batchSize();
        int prefetch = Math.max(0, config.images().prefetchBatches());
        int per = spec.floatsPerImage();
        FloatBuffer[] buffers = new FloatBuffer[prefetch + 1];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = direct(batchSize * per);
        }
        int batches = (n + batchSize - 1) / batchSize;
        List<CompletableFuture<Slot[]>> prepared = new ArrayList<>();
        long waited = 0;
        long inferred = 0;
        long loaded;
        try {
            // the first batches decode while the model file is fetched and its session opens
            prefetch(prepared, 0, prefetch, batches, images, batchSize, spec, buffers);
            long opening = System.nanoTime();
            try (InferenceEngine.Runner runner = engine.open(model.sha256(), modelFile.get(), model.inputName(),
                    layers)) {
                loaded = System.nanoTime() - opening;
                int done = 0;
                for (int b = 0; b < batches; b++) {
                    prefetch(prepared, b, prefetch, batches, images, batchSize, spec, buffers);
                    long waitStart = System.nanoTime();
                    Slot[] slots = prepared.get(b).join();
                    long inferStart = System.nanoTime();
                    waited += inferStart - waitStart;
                    prepared.set(b, null);
                    int from = b * batchSize;
                    int count = Math.min(batchSize, n - from);
                    FloatBuffer batch = buffers[b % buffers.length].duplicate().position(0).limit(count * per).slice();
                    Map<String, LayerOutput> out = runner.run(batch, spec.tensorShape(count));
                    long batchNanos = System.nanoTime() - inferStart;
                    inferred += batchNanos;
                    consumer.accept(from, count, out, slots);
                    int failed = 0;
                    for (Slot s : slots) {
                        failed += s.ok() ? 0 : 1;
                    }
                    metrics.batch(model.id(), count - failed, batchNanos);
                    metrics.skipped(failed);
                    done += count;
                    ctx.progress(done, n);
                    ctx.throwIfCancelled();
                }
            }
        } finally {
            prepared.stream().filter(f -> f != null).forEach(f -> f.cancel(false));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        metrics.finished(n / seconds);
        return new Timing(seconds, inferred / 1e9, waited / 1e9, loaded / 1e9);
    }

    /** Starts decoding batches up to {@code prefetch} ahead of batch {@code b}, each into the buffer it will use. */
    private void prefetch(List<CompletableFuture<Slot[]>> prepared, int b, int prefetch, int batches,
                          List<DatasetImage> images, int batchSize, PreprocessingSpec spec, FloatBuffer[] buffers) {
        while (prepared.size() < Math.min(batches, b + prefetch + 1)) {
            int next = prepared.size();
            prepared.add(prepare(images, next, batchSize, spec, buffers[next % buffers.length]));
        }
    }

    /** Decodes one batch on the decode pool. */
    private CompletableFuture<Slot[]> prepare(List<DatasetImage> images, int batch, int batchSize,
                                              PreprocessingSpec spec, FloatBuffer buffer) {
        int from = batch * batchSize;
        int count = Math.min(batchSize, images.size() - from);
        Slot[] slots = new Slot[count];
        CompletableFuture<?>[] work = new CompletableFuture<?>[count];
        for (int r = 0; r < count; r++) {
            int slot = r;
            DatasetImage image = images.get(from + r);
            work[r] = CompletableFuture.runAsync(() -> {
                int offset = slot * spec.floatsPerImage();
                try {
                    if (image.bytes() > config.images().maxBytes()) {
                        throw new ImageTooLargeException("'" + image.id() + "' is " + image.bytes()
                                + " bytes; the limit is " + config.images().maxBytes(), null);
                    }
                    slots[slot] = new Slot(null,
                            codec.preprocess(Files.readAllBytes(image.file()), image.id(), spec, buffer, offset));
                } catch (DomainException e) {
                    slots[slot] = new Slot(e.getMessage(), null);
                    buffer.put(offset, new float[spec.floatsPerImage()]);
                } catch (IOException | UncheckedIOException e) {
                    slots[slot] = new Slot("cannot read '" + image.id() + "': " + e.getMessage(), null);
                    buffer.put(offset, new float[spec.floatsPerImage()]);
                }
            }, decoders);
        }
        return CompletableFuture.allOf(work).thenApply(v -> slots);
    }

    static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
