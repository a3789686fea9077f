package org.convnetplayground.features.visualisation;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.features.model.ModelInfo;
import org.convnetplayground.features.model.ModelRegistry;
import org.convnetplayground.features.render.Pictures;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.jobs.JobRegistry;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;

/**
 * Feature visualisations as jobs: one channel's picture, or a layer's overview drawing several channels one after
 * the other (filling in as they finish). Pictures are cached on disk by (model file checksum, layer, channel,
 * settings), so asking again answers at once, across restarts; each picture has a JSON note beside it.
 */
@ApplicationScoped
public class Visualisations {

    /** Bumped when the drawing changes, so old cached pictures are not served for new settings. */
    private static final String ALGORITHM = "lucid-fft-decorrelated-v1";
    private static final Pattern IMAGE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Logger LOG = Logger.getLogger(Visualisations.class);
    static final String KIND = "visualisation";
    static final String OVERVIEW_KIND = "visualisation-overview";

    private final ModelRegistry models;
    private final FeatureVisualiser visualiser;
    private final ObjectMapper json;
    private final FeatureConfig.Gradients settings;
    private final Path dir;
    private final JobRegistry singles;
    private final JobRegistry overviews;
    private final Map<String, byte[]> previews = new ConcurrentHashMap<>();
    private final Map<String, OverviewState> overviewStates = new ConcurrentHashMap<>();

    @Inject
    public Visualisations(ModelRegistry models, FeatureVisualiser visualiser, ObjectMapper json, FeatureConfig config) {
        this.models = models;
        this.visualiser = visualiser;
        this.json = json;
        this.settings = config.gradients();
        this.dir = config.dataDir().resolve("visualisations");
        // overviews get their own worker, so one channel asked for meanwhile does not wait for a whole grid
        this.singles = new JobRegistry(Executors.newFixedThreadPool(Math.max(1, settings.concurrentJobs()),
                named("visualisation")), settings.retention());
        this.overviews = new JobRegistry(Executors.newSingleThreadExecutor(named("visualisation-overview")),
                settings.retention());
    }

    void onStop(@Observes ShutdownEvent event) {
        singles.close();
        overviews.close();
    }

    /** One channel's picture, as a job's result. */
    @Schema(name = "Visualisation", description = "What a channel draws: an image made to excite it.")
    public record Visualisation(
            @Schema(description = "Model id.") String model,
            @Schema(description = "Layer (tensor) name.") String layer,
            @Schema(description = "Channel index.") int channel,
            @Schema(description = "Optimisation steps.") int steps,
            @Schema(description = "Random seed (initial image and random views).") long seed,
            @Schema(description = "URL of the PNG, at the model's input size.",
                    examples = "/api/features/visualisations/images/0f3c5a9e2b7d4c1a8e6f0b2d4a6c8e0f.png") String image,
            @Schema(description = "The channel's mean activation on the PNG, as the model sees it (no resizing).")
            double activation,
            @Schema(description = "Seconds the drawing took (0 when it came from the cache).") double seconds) {
    }

    /** A layer's overview: each asked channel with its picture once drawn. */
    @Schema(name = "VisualisationOverview")
    public record Overview(
            @Schema(description = "Model id.") String model,
            @Schema(description = "Layer name.") String layer,
            @Schema(description = "Optimisation steps per picture.") int steps,
            @Schema(description = "Random seed.") long seed,
            @Schema(description = "Pictures drawn so far.") int done,
            @Schema(description = "Pictures asked for.") int total,
            @Schema(description = "The channels in the order asked; `image` is null until drawn.") List<Cell> channels) {
    }

    /** One channel of an overview. */
    @Schema(name = "VisualisationCell")
    public record Cell(
            @Schema(description = "Channel index.") int channel,
            @Schema(description = "pending, drawing or done.", enumeration = {"pending", "drawing", "done"}) String state,
            @Schema(description = "URL of the PNG once done.") String image,
            @Schema(description = "The channel's mean activation on the picture, once done.") Double activation) {
    }

    /** A checked request. */
    public record Request(ModelInfo model, String layer, int channels, int steps, long seed) {
    }

    /**
     * Checks the model, layer, steps and seed: an unknown name is an unknown-name failure naming the choices; steps
     * outside 1 to the configured maximum, and layers without a channel axis, are invalid input naming the valid
     * range.
     */
    public Request check(String modelId, String layer, Integer steps, Long seed) {
        if (modelId == null || modelId.isBlank()) {
            throw InvalidInputException.missing("model", "a model id (list them at /api/catalog/models)");
        }
        if (layer == null || layer.isBlank()) {
            throw InvalidInputException.missing("layer", "a layer of the model (list them at /api/catalog/models/"
                    + modelId + "/layers)");
        }
        int s = steps == null ? settings.defaultSteps() : steps;
        if (s < 1 || s > settings.maxSteps()) {
            throw InvalidInputException.invalid("steps", steps, "an integer from 1 to " + settings.maxSteps());
        }
        ModelInfo model = models.require(modelId);
        models.requireLayers(model, List.of(layer));
        List<Long> shape = model.layerShapes().get(layer);
        if (shape == null || shape.size() < 2) {
            throw InvalidInputException.invalid("layer", layer, "a layer with a channel axis; '" + layer + "' has shape "
                    + shape);
        }
        long channels = model.preprocessing().channelsLast() && shape.size() > 2 ? shape.get(shape.size() - 1)
                : shape.get(1);
        return new Request(model, layer, (int) channels, s, seed == null ? 0 : seed);
    }

    /** Checks a channel index against the layer. */
    public int channel(Request r, Integer channel) {
        if (channel == null) {
            throw InvalidInputException.missing("channel", "a channel index of layer '" + r.layer() + "': an integer from 0 to "
                    + (r.channels() - 1));
        }
        if (channel < 0 || channel >= r.channels()) {
            throw InvalidInputException.invalid("channel", channel, "an integer from 0 to " + (r.channels() - 1)
                    + " (layer '" + r.layer() + "' of model '" + r.model().id() + "' has " + r.channels() + " channels)");
        }
        return channel;
    }

    /** Starts drawing one channel (or returns the job already drawing it). */
    public Job<Visualisation> submit(Request r, int channel) {
        String id = imageId(r, channel);
        purgeLiveState();
        return singles.submit(KIND, id, ctx -> {
            Optional<Visualisation> cached = cached(id);
            if (cached.isPresent()) {
                ctx.progress(r.steps(), r.steps());
                ctx.message("from the cache");
                return cached.get();
            }
            return draw(r, channel, id, ctx, 0, 1, png -> previews.put(ctx.jobId(), png));
        });
    }

    /**
     * Starts an overview of a layer: {@code channels} when given, else the first {@code first} channels.
     */
    public Job<Overview> overview(Request r, List<Integer> channels, Integer first) {
        List<Integer> chosen = new ArrayList<>();
        int max = settings.maxOverviewChannels();
        if (channels != null && !channels.isEmpty()) {
            if (first != null) {
                throw InvalidInputException.of("give either channels or first, not both");
            }
            for (Integer c : new LinkedHashSet<>(channels)) {
                chosen.add(channel(r, c));
            }
            if (chosen.size() > max) {
                throw InvalidInputException.invalid("channels", chosen.size() + " channels", "at most " + max);
            }
        } else {
            int n = first == null ? Math.min(16, r.channels()) : first;
            int limit = Math.min(max, r.channels());
            if (n < 1 || n > limit) {
                throw InvalidInputException.invalid("first", first, "an integer from 1 to " + limit);
            }
            for (int c = 0; c < n; c++) {
                chosen.add(c);
            }
        }
        String key = r.model().sha256() + "|" + r.layer() + "|" + chosen + "|" + r.steps() + "|" + r.seed();
        purgeLiveState();
        OverviewState state = new OverviewState(r, chosen);
        Job<Overview> job = overviews.submit(OVERVIEW_KIND, key, ctx -> {
            OverviewState own = overviewStates.computeIfAbsent(ctx.jobId(), k -> state);
            for (int i = 0; i < chosen.size(); i++) {
                int c = chosen.get(i);
                String id = imageId(r, c);
                own.cells.set(i, new Cell(c, "drawing", null, null));
                Visualisation v = cached(id).orElse(null);
                if (v == null) {
                    v = draw(r, c, id, ctx, i, chosen.size(), png -> { });
                }
                own.cells.set(i, new Cell(c, "done", v.image(), v.activation()));
                own.done.incrementAndGet();
                ctx.progress((long) (i + 1) * r.steps(), (long) chosen.size() * r.steps());
            }
            return own.snapshot();
        });
        overviewStates.putIfAbsent(job.id(), state);
        return job;
    }

    public Optional<Job<?>> job(String id) {
        return singles.find(id).filter(j -> j.kind().equals(KIND));
    }

    public Optional<Job<?>> overviewJob(String id) {
        return overviews.find(id).filter(j -> j.kind().equals(OVERVIEW_KIND));
    }

    /** Asks a job to stop; false when there is none. */
    public boolean cancel(String id) {
        return singles.cancel(id) || overviews.cancel(id);
    }

    /** The overview so far (for a running job) or in full. */
    public Optional<Overview> overviewSoFar(String jobId) {
        return Optional.ofNullable(overviewStates.get(jobId)).map(OverviewState::snapshot);
    }

    /** The latest image of a running or finished single job, as PNG. */
    public Optional<byte[]> preview(String jobId) {
        return Optional.ofNullable(previews.get(jobId));
    }

    /** A cached picture by its id (as in its URL). */
    public Path image(String id) {
        if (id == null || !IMAGE_ID.matcher(id).matches()) {
            throw UnknownNameException.notFound("no visualisation image '" + id + "'; image ids are 32 hexadecimal "
                    + "digits, as in the `image` URL of a visualisation job's result");
        }
        Path file = dir.resolve(id + ".png");
        if (!Files.isRegularFile(file)) {
            throw UnknownNameException.notFound("no visualisation image '" + id + "'; start one with POST "
                    + "/api/features/visualisations");
        }
        return file;
    }

    private interface PreviewSink {
        void accept(byte[] png);
    }

    private Visualisation draw(Request r, int channel, String id, JobContext ctx, int index, int of,
                               PreviewSink preview) throws IOException {
        long start = System.nanoTime();
        String where = of > 1 ? "channel " + channel + " (" + (index + 1) + " of " + of + "): " : "";
        ctx.message(where + "loading the gradient graph of " + r.model().id() + " at " + r.layer());
        int h = r.model().preprocessing().height();
        int w = r.model().preprocessing().width();
        FeatureVisualiser.Drawn drawn = visualiser.draw(r.model(), r.layer(), channel, r.steps(), r.seed(),
                (done, total, image) -> {
                    ctx.throwIfCancelled();
                    ctx.progress((long) index * total + done, (long) of * total);
                    ctx.message(where + "step " + done + " of " + total);
                    if (image != null) {
                        preview.accept(Pictures.rgb(image, h, w));
                    }
                });
        byte[] png = Pictures.rgb(drawn.image(), drawn.height(), drawn.width());
        preview.accept(png);
        Visualisation v = new Visualisation(r.model().id(), r.layer(), channel, r.steps(), r.seed(), url(id),
                drawn.activation(), (System.nanoTime() - start) / 1e9);
        store(id, png, v);
        ctx.message(where + "done in " + String.format("%.1f", v.seconds()) + " s");
        return v;
    }

    private Optional<Visualisation> cached(String id) {
        Path note = dir.resolve(id + ".json");
        if (!Files.isRegularFile(note) || !Files.isRegularFile(dir.resolve(id + ".png"))) {
            return Optional.empty();
        }
        try {
            Visualisation v = json.readValue(note.toFile(), Visualisation.class);
            return Optional.of(new Visualisation(v.model(), v.layer(), v.channel(), v.steps(), v.seed(), v.image(),
                    v.activation(), 0));
        } catch (IOException e) {
            LOG.warnf("ignoring an unreadable visualisation note %s: %s", note, e.getMessage());
            return Optional.empty();
        }
    }

    private void store(String id, byte[] png, Visualisation v) throws IOException {
        Files.createDirectories(dir);
        // the picture first, then the note that makes it a cache hit; each appears whole or not at all
        write(dir.resolve(id + ".png"), png);
        write(dir.resolve(id + ".json"), json.writeValueAsBytes(v));
    }

    private static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private String imageId(Request r, int channel) {
        String key = String.join("|", ALGORITHM, r.model().sha256(), r.layer(), Integer.toString(channel),
                Integer.toString(r.steps()), Long.toString(r.seed()), Double.toString(settings.learningRate()),
                r.model().preprocessing().toString());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String url(String id) {
        return "/api/features/visualisations/images/" + id + ".png";
    }

    /** Forgets previews and overview states of jobs the registries no longer remember. */
    private void purgeLiveState() {
        previews.keySet().removeIf(id -> singles.find(id).isEmpty());
        overviewStates.keySet().removeIf(id -> overviews.find(id).isEmpty());
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The cells of a running overview. */
    private static final class OverviewState {
        final Request request;
        final java.util.concurrent.CopyOnWriteArrayList<Cell> cells = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger done = new AtomicInteger();

        OverviewState(Request request, List<Integer> channels) {
            this.request = request;
            for (int c : channels) {
                cells.add(new Cell(c, "pending", null, null));
            }
        }

        Overview snapshot() {
            return new Overview(request.model().id(), request.layer(), request.steps(), request.seed(), done.get(),
                    cells.size(), List.copyOf(cells));
        }
    }
}
