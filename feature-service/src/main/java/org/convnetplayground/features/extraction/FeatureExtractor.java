package org.convnetplayground.features.extraction;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.features.dataset.Dataset;
import org.convnetplayground.features.dataset.DatasetImage;
import org.convnetplayground.inference.image.ImageCodec;
import org.convnetplayground.inference.image.PreprocessingSpec;
import org.convnetplayground.features.model.ModelInfo;
import org.convnetplayground.features.model.ModelRegistry;
import org.convnetplayground.features.onnx.InferenceEngines;
import org.convnetplayground.inference.onnx.InferenceEngine;
import org.convnetplayground.inference.onnx.LayerOutput;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.jobs.JobRegistry;
import org.convnetplayground.jobs.JobWork;
import org.convnetplayground.errors.GoneException;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.UnavailableException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.files.FileTrees;
import org.jboss.logging.Logger;
import org.convnetplayground.inference.Pooling;

/**
 * Turns images into vectors: a whole dataset as a job, or one uploaded image at once.
 *
 * <p>A dataset job is a pipeline: a pool of decode threads prepares the next batches (decode, resize, crop,
 * normalise into a direct buffer) while ONNX Runtime runs the current one, so inference never waits on JPEG
 * decoding. Pooled vectors stream to one file per layer; memory stays flat whatever the dataset size.
 */
@ApplicationScoped
public class FeatureExtractor {

    private static final Logger LOG = Logger.getLogger(FeatureExtractor.class);
    static final String KIND = "extraction";
    /** Shutdown order: jobs stop (this) before the inference engine closes its sessions. */
    static final int SHUTDOWN_ORDER = InferenceEngines.SHUTDOWN_ORDER - 100;

    private final ModelRegistry models;
    private final ImageCodec codec;
    private final InferenceEngine engine;
    private final FeatureConfig config;
    private final Path resultsDir;
    private final ExecutorService jobThreads;
    private final JobRegistry jobs;
    private final ExecutorService decoders;
    private final int decodeThreads;
    private final ExtractionMetrics metrics;
    private final DatasetPipeline pipeline;
    /** The rows each extraction job has written so far, by job id, while its files are kept. */
    private final Map<String, ExtractionRows> rows = new ConcurrentHashMap<>();
    private volatile boolean closing;

    @Inject
    public FeatureExtractor(ModelRegistry models, ImageCodec codec, InferenceEngine engine, FeatureConfig config,
                            MeterRegistry registry) {
        this.models = models;
        this.codec = codec;
        this.engine = engine;
        this.config = config;
        this.resultsDir = config.dataDir().resolve("extractions");
        this.jobThreads = Executors.newFixedThreadPool(Math.max(1, config.extraction().concurrentJobs()),
                named("extraction"));
        this.jobs = new JobRegistry(jobThreads, config.extraction().retention());
        this.decodeThreads = decodeThreads(config, engine);
        this.decoders = Executors.newFixedThreadPool(decodeThreads, named("decode"));
        this.metrics = new ExtractionMetrics(registry, jobs::activeCount);
        this.pipeline = new DatasetPipeline(codec, engine, config, decoders, metrics);
    }

    void onStart(@Observes StartupEvent event) {
        FileTrees.deleteTree(resultsDir);
    }

    /**
     * Stops taking jobs, cancels the queued and running ones and waits (bounded) for them to stop, which they do after
     * their current batch. Runs before {@link InferenceEngines} closes the engine's sessions, and never interrupts a job thread:
     * an interrupt cannot stop a forward pass, only break the writing of its results.
     */
    void onStop(@Observes @Priority(SHUTDOWN_ORDER) ShutdownEvent event) {
        closing = true;
        List<Job<?>> active = jobs.list().stream().filter(j -> !j.state().isFinal()).toList();
        active.forEach(j -> jobs.cancel(j.id()));
        jobThreads.shutdown();
        Duration wait = config.shutdownTimeout();
        if (!active.isEmpty()) {
            LOG.infof("shutting down: cancelled %d running extraction job%s %s; waiting up to %s for %s to stop",
                    active.size(), active.size() == 1 ? "" : "s", active.stream().map(Job::id).toList(), wait,
                    active.size() == 1 ? "it" : "them");
        }
        boolean stopped = awaitQuietly(jobThreads, wait);
        if (!active.isEmpty()) {
            if (stopped) {
                LOG.infof("shutting down: extraction jobs stopped");
            } else {
                LOG.warnf("shutting down: extraction jobs still running after %s", wait);
            }
        }
        decoders.shutdown();
        awaitQuietly(decoders, Duration.ofSeconds(1));
    }

    private static boolean awaitQuietly(ExecutorService pool, Duration wait) {
        try {
            return pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts (or joins) a job on the extraction threads: extractions and other passes over a dataset.
     *
     * @throws UnavailableException while the service shuts down
     */
    public <R> Job<R> submitJob(String kind, String key, JobWork<R> work) {
        if (closing) {
            throw UnavailableException.of("the feature-service is shutting down; start the job again once it is back");
        }
        return jobs.submit(kind, key, work);
    }

    /**
     * Decode threads as suit the device: on a GPU, which infers far more images per second than a few cores decode,
     * decoding is the bottleneck and gets every core unless configured otherwise.
     */
    static int decodeThreads(FeatureConfig config, InferenceEngine engine) {
        if (engine.device().gpu()) {
            int gpu = config.images().gpuDecodeThreads();
            return gpu > 0 ? gpu : Runtime.getRuntime().availableProcessors();
        }
        return Math.max(1, config.images().decodeThreads());
    }

    /** Threads decoding images for extraction jobs. */
    public int decodeThreads() {
        return decodeThreads;
    }

    public JobRegistry jobs() {
        return jobs;
    }

    /** The batched decode/infer pipeline, for other passes over a dataset (channel examples). */
    DatasetPipeline pipeline() {
        return pipeline;
    }

    ModelRegistry models() {
        return models;
    }

    /**
     * Resolves and checks a request: the model exists, every layer exists and pools to a usable vector.
     *
     * @param layers the layer names; the model's embedding layer when empty
     */
    public ExtractionPlan plan(String modelId, List<String> layers, String pooling) {
        if (modelId == null || modelId.isBlank()) {
            throw InvalidInputException.missing("model", "a model id from /api/catalog/models");
        }
        Pooling p = Pooling.parse(pooling);
        ModelInfo model = models.require(modelId);
        List<String> wanted = layers == null || layers.isEmpty() ? List.of(model.embeddingLayer())
                : new ArrayList<>(new java.util.LinkedHashSet<>(layers));
        models.requireLayers(model, wanted);
        List<ExtractionPlan.LayerPlan> planned = new ArrayList<>();
        for (String layer : wanted) {
            List<Long> shape = model.layerShapes().get(layer);
            long dim = p.dimension(shape, model.preprocessing().channelsLast());
            if (dim <= 0) {
                throw InvalidInputException.of("layer '" + layer + "' has output shape " + shape
                        + ", which cannot be pooled with '" + p.id() + "': avg and max need a 2-, 3- or 4-D output"
                        + " and flatten needs every dimension but the batch to be known");
            }
            if (dim > config.extraction().maxFlattenDimensions()) {
                throw InvalidInputException.invalid("pooling", p.id(), "avg or max for layer '" + layer + "': flatten gives "
                        + dim + " values per image, the limit is " + config.extraction().maxFlattenDimensions());
            }
            planned.add(new ExtractionPlan.LayerPlan(layer, shape, (int) dim));
        }
        return new ExtractionPlan(model, planned, p);
    }

    /** Starts (or joins, when the same one is running) a job extracting every image of {@code dataset}. */
    public Job<ExtractionResult> submit(Dataset dataset, ExtractionPlan plan) {
        if (dataset.images().isEmpty()) {
            throw InvalidInputException.of("dataset '" + dataset.id() + "' has no images to extract");
        }
        sweepResults();
        // the images are part of the key: extracting a few new images of a dataset is not extracting all of it
        String images = dataset.images().size() + ":" + Integer.toHexString(dataset.images().stream()
                .map(DatasetImage::id).toList().hashCode());
        String key = String.join("|", dataset.id(), dataset.version(), images, plan.model().id(), plan.model().sha256(),
                plan.pooling().id(), String.join(",", new TreeSet<>(plan.layerNames())));
        return submitJob(KIND, key, ctx -> {
            try {
                return extract(dataset, plan, ctx);
            } catch (Exception | Error e) {
                // a job that does not succeed keeps no files
                rows.remove(ctx.jobId());
                FileTrees.deleteTree(resultsDir.resolve(ctx.jobId()));
                throw e;
            }
        });
    }

    public Optional<Job<?>> job(String id) {
        return jobs.find(id).filter(j -> j.kind().equals(KIND));
    }

    /** The vectors file of a finished job's layer: float32 little-endian rows, in the result's item order. */
    public Path vectorsFile(String jobId, ExtractionResult result, String layer) {
        return vectorsFile(jobId, result.layers(), layer);
    }

    /**
     * The vectors file of a layer of a job that may still be running: its first {@link ExtractionRows#size()} rows
     * are written (float32 little-endian, in row order).
     */
    public Path vectorsFile(String jobId, List<ExtractionResult.LayerVectors> layers, String layer) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name().equals(layer)) {
                Path file = resultsDir.resolve(jobId).resolve(i + ".f32");
                if (!Files.isRegularFile(file)) {
                    throw GoneException.of("the vectors of extraction " + jobId
                            + " were deleted; start the extraction again");
                }
                return file;
            }
        }
        throw UnknownNameException.unknown("layer", layer, "in extraction " + jobId,
                layers.stream().map(ExtractionResult.LayerVectors::name).toList(), null);
    }

    /** The rows a job has written so far; empty while it is queued, or once it failed or was forgotten. */
    public Optional<ExtractionRows> rows(String jobId) {
        return Optional.ofNullable(rows.get(jobId));
    }

    /**
     * Completes once job {@code jobId} has more than {@code from} rows, has ended, or {@code wait} has passed,
     * whichever comes first: for readers that take rows as they come instead of asking at a fixed rate.
     */
    public CompletableFuture<Void> rowsAfter(Job<?> job, int from, Duration wait) {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        answer.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS);
        awaitRows(job, from, answer);
        return answer;
    }

    private void awaitRows(Job<?> job, int from, CompletableFuture<Void> answer) {
        while (!answer.isDone()) {
            // the change is taken before the rows are counted, so rows written in between complete it
            CompletableFuture<Void> change = job.nextChange();
            if (job.state().isFinal() || rows(job.id()).map(ExtractionRows::size).orElse(0) > from) {
                answer.complete(null);
                return;
            }
            if (!change.isDone()) {
                change.whenComplete((v, e) -> awaitRows(job, from, answer));
                answer.whenComplete((v, e) -> change.cancel(false));
                return;
            }
        }
    }

    /** Cancels a running job (its files go when it stops) or forgets a finished one with its files. */
    public boolean delete(String jobId) {
        Optional<Job<?>> job = job(jobId);
        if (job.isEmpty()) {
            return false;
        }
        if (job.get().state().isFinal()) {
            jobs.remove(jobId);
            rows.remove(jobId);
            FileTrees.deleteTree(resultsDir.resolve(jobId));
        } else {
            jobs.cancel(jobId);
        }
        return true;
    }

    /** The vectors of one image, computed now. */
    public Embedding embed(byte[] image, String name, ExtractionPlan plan) {
        ModelInfo model = plan.model();
        PreprocessingSpec spec = model.preprocessing();
        Path file = models.file(model);
        FloatBuffer input = DatasetPipeline.direct(spec.floatsPerImage());
        ImageCodec.Prepared prepared = codec.preprocess(image, name, spec, input, 0);
        try (InferenceEngine.Runner runner = engine.open(model.sha256(), file, model.inputName(), plan.layerNames())) {
            Map<String, LayerOutput> out = runner.run(input, spec.tensorShape(1));
            List<Embedding.LayerVector> vectors = new ArrayList<>();
            for (ExtractionPlan.LayerPlan layer : plan.layers()) {
                LayerOutput o = out.get(layer.name());
                float[] v = new float[layer.dimension()];
                plan.pooling().pool(o.shape(), o.data(), 0, spec.channelsLast(), v);
                vectors.add(new Embedding.LayerVector(layer.name(), layer.dimension(), v));
            }
            return new Embedding(model.id(), model.sha256(), plan.pooling(),
                    new Embedding.Preprocessed(prepared.width(), prepared.height(), prepared.region(), prepared.filter(),
                            List.of(spec.height(), spec.width()), spec.interpolation()),
                    vectors);
        }
    }

    private ExtractionResult extract(Dataset dataset, ExtractionPlan plan, JobContext ctx) throws IOException {
        ModelInfo model = plan.model();
        PreprocessingSpec spec = model.preprocessing();
        List<DatasetImage> images = dataset.images();
        int n = images.size();
        ctx.progress(0, n);
        ctx.message("loading model " + model.id());
        Path dir = resultsDir.resolve(ctx.jobId());
        Files.createDirectories(dir);
        List<ExtractionResult.LayerVectors> layers = plan.layers().stream()
                .map(l -> new ExtractionResult.LayerVectors(l.name(), l.dimension())).toList();
        ExtractionRows written = new ExtractionRows(layers);
        List<ExtractionResult.Skipped> skipped = new ArrayList<>();
        List<FileChannel> outputs = new ArrayList<>();
        DatasetPipeline.Timing timing;
        try {
            for (int i = 0; i < plan.layers().size(); i++) {
                outputs.add(FileChannel.open(dir.resolve(i + ".f32"), StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
            }
            rows.put(ctx.jobId(), written);
            ctx.message("extracting " + n + " images");
            timing = pipeline.run(images, model, () -> models.file(model), plan.layerNames(), ctx,
                    (from, count, out, slots) -> {
                        for (int i = 0; i < plan.layers().size(); i++) {
                            ExtractionPlan.LayerPlan layer = plan.layers().get(i);
                            writeRows(out.get(layer.name()), layer.dimension(), count, slots, plan.pooling(),
                                    spec.channelsLast(), outputs.get(i));
                        }
                        List<ExtractionResult.Item> batch = new ArrayList<>(count);
                        for (int r = 0; r < count; r++) {
                            DatasetImage image = images.get(from + r);
                            if (slots[r].ok()) {
                                batch.add(new ExtractionResult.Item(image.id(), image.label()));
                            } else {
                                skipped.add(new ExtractionResult.Skipped(image.id(), slots[r].failure()));
                            }
                        }
                        // listed once in every layer's file: readers may fetch them from now on
                        written.added(batch);
                    });
        } finally {
            for (FileChannel c : outputs) {
                c.close();
            }
        }
        List<ExtractionResult.Item> items = written.all();
        if (items.isEmpty()) {
            throw InvalidInputException.of("no image of dataset '" + dataset.id() + "' could be used; first reason: "
                    + skipped.get(0).reason());
        }
        double seconds = timing.seconds();
        ctx.message("extracted " + items.size() + " images in " + String.format("%.1f", seconds) + " s");
        LOG.infof("extraction %s: %s on %s, %d images (%d skipped) in %.1f s = %.1f images/s"
                        + " (model session %.2f s, inference %.1f s, waiting for decoded images %.1f s)", ctx.jobId(),
                model.id(), dataset.id(), items.size(), skipped.size(), seconds, n / seconds, timing.loadSeconds(),
                timing.inferenceSeconds(), timing.waitSeconds());
        return new ExtractionResult(dataset.id(), dataset.version(), model.id(), model.sha256(), plan.pooling(), layers,
                items, skipped, seconds, n / seconds, timing.inferenceSeconds(), timing.waitSeconds(),
                timing.loadSeconds());
    }

    private static void writeRows(LayerOutput out, int dim, int count, DatasetPipeline.Slot[] slots, Pooling pooling,
                                  boolean channelsLast, FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(count * dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        float[] row = new float[dim];
        for (int r = 0; r < count; r++) {
            if (!slots[r].ok()) {
                continue;
            }
            pooling.pool(out.shape(), out.data(), r, channelsLast, row);
            bytes.asFloatBuffer().put(row);
            bytes.position(bytes.position() + dim * Float.BYTES);
        }
        bytes.flip();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }


    /** Deletes result folders whose job the registry no longer remembers. */
    private void sweepResults() {
        if (!Files.isDirectory(resultsDir)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(resultsDir)) {
            dirs.filter(d -> jobs.find(d.getFileName().toString()).isEmpty()).forEach(FileTrees::deleteTree);
            rows.keySet().removeIf(id -> jobs.find(id).isEmpty());
        } catch (IOException e) {
            LOG.warnf("cannot sweep %s: %s", resultsDir, e.getMessage());
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
