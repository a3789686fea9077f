package org.convnetplayground.search.build;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.errors.UpstreamFailureException;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.CollectionStore;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.features.FeatureService;
import org.convnetplayground.search.rest.client.FeatureServiceApi;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;

/**
 * Builds collections on demand: asks the feature-service to extract the wanted layers of a dataset in one job and
 * stores its rows as they are written (mirroring its progress), so that the collection is searchable among the images
 * done so far while it builds and complete moments after the extraction ends. Requests for a collection that is
 * already being built join the running build.
 */
@ApplicationScoped
public class CollectionBuilder {

    private static final Logger LOG = Logger.getLogger(CollectionBuilder.class);
    public static final String KIND = "collection-build";

    private final FeatureService features;
    private final CollectionStore store;
    private final SearchConfig config;
    private final BackgroundJobs jobs;
    /** The running build of each collection, so a second request joins it. */
    private final Map<CollectionKey, Job<BuildResult>> building = new ConcurrentHashMap<>();
    /** The collections being built, searchable among the rows stored so far. */
    private final Map<CollectionKey, PartialCollection> partials = new ConcurrentHashMap<>();
    /** Rows asked for per request: bounds one answer's list of items. */
    static final int ROWS_PER_REQUEST = 10_000;

    @Inject
    public CollectionBuilder(FeatureService features, CollectionStore store, SearchConfig config, BackgroundJobs jobs) {
        this.features = features;
        this.store = store;
        this.config = config;
        this.jobs = jobs;
    }

    /**
     * Starts building the collections of {@code layers} (one extraction pass), or returns the running build when
     * every wanted collection is already being built. Bad names fail here, synchronously, with the
     * feature-service's problem (e.g. an unknown dataset, naming the valid ones).
     */
    public synchronized Job<BuildResult> build(String dataset, String model, List<String> layers, String pooling) {
        List<CollectionKey> keys = layers.stream().map(l -> new CollectionKey(dataset, model, l, pooling)).toList();
        building.values().removeIf(j -> j.state().isFinal());
        Job<BuildResult> running = building.get(keys.get(0));
        if (running != null && keys.stream().allMatch(k -> building.get(k) == running)) {
            return running;
        }
        FeatureServiceApi.ExtractionJob extraction = features.startExtraction(dataset, model, layers, pooling);
        String key = dataset + "/" + model + "/" + String.join(",", layers) + "/" + pooling;
        Job<BuildResult> job = jobs.submit(KIND, key, ctx -> run(extraction.id(), keys, ctx));
        keys.forEach(k -> building.put(k, job));
        return job;
    }

    /**
     * Builds the collections of {@code layers} on the calling thread, reporting to {@code ctx}: for jobs (a
     * leaderboard) that build as one of their steps.
     */
    public BuildResult buildNow(String dataset, String model, List<String> layers, String pooling, JobContext ctx)
            throws Exception {
        List<CollectionKey> keys = layers.stream().map(l -> new CollectionKey(dataset, model, l, pooling)).toList();
        FeatureServiceApi.ExtractionJob extraction = features.startExtraction(dataset, model, layers, pooling);
        return run(extraction.id(), keys, ctx);
    }

    /**
     * The collection being built for {@code key}, searchable among the rows stored so far; empty when none is being
     * built.
     */
    public Optional<PartialCollection> partial(CollectionKey key) {
        return Optional.ofNullable(partials.get(key));
    }

    /**
     * Stores the extraction's rows as they are written: each chunk of rows the feature-service lists is fetched once
     * per layer and appended to the collection's staging file (memory does not grow with the collection), where
     * queries find them while the build runs ({@link #partial}). Once the extraction has succeeded the collections are
     * checked and made visible.
     */
    private BuildResult run(String extractionId, List<CollectionKey> keys, JobContext ctx) throws Exception {
        List<CollectionStore.Staging> stagings = new ArrayList<>();
        List<FileChannel> outputs = new ArrayList<>();
        List<PartialCollection> views = new ArrayList<>();
        List<CollectionMeta.Item> items = new ArrayList<>();
        int[] dimensions = new int[keys.size()];
        Copy copy = new Copy();
        try {
            for (CollectionKey key : keys) {
                CollectionStore.Staging staging = store.stage(key);
                stagings.add(staging);
                outputs.add(FileChannel.open(staging.vectorsFile(), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE));
                PartialCollection view = new PartialCollection(key, staging.vectorsFile());
                views.add(view);
                partials.put(key, view);
            }
            FeatureServiceApi.ExtractionJob extraction = follow(features, extractionId, ctx, config.extractionWait(),
                    (from, rows, layers, total) -> {
                        for (int i = 0; i < keys.size(); i++) {
                            dimensions[i] = dimension(layers, keys.get(i).layer());
                            try (InputStream in = features.vectors(extractionId, keys.get(i).layer(), from,
                                    rows.size())) {
                                copy.rows(in, outputs.get(i), (long) rows.size() * dimensions[i] * Float.BYTES);
                            }
                        }
                        List<CollectionMeta.Item> added = rows.stream()
                                .map(r -> new CollectionMeta.Item(r.id(), r.label())).toList();
                        items.addAll(added);
                        for (int i = 0; i < views.size(); i++) {
                            views.get(i).appended(added, dimensions[i]);
                            views.get(i).total(total);
                        }
                    });
            FeatureServiceApi.ExtractionResult result = extraction.result();
            ctx.message("storing vectors");
            long committing = System.nanoTime();
            for (int i = 0; i < keys.size(); i++) {
                views.get(i).close();
                outputs.get(i).close();
                stagings.get(i).commit(new CollectionMeta(keys.get(i), dimensions[i], result.datasetVersion(),
                        result.modelSha256(), Instant.now(), items));
            }
            copy.storeNanos += System.nanoTime() - committing;
            forget(features, extractionId);
            ctx.message("built " + keys.size() + " collection(s) of " + items.size() + " images");
            return new BuildResult(keys, items.size(), result.skipped().stream()
                    .map(s -> new BuildResult.Skipped(s.id(), s.reason())).toList(), result.imagesPerSecond(),
                    new BuildResult.Timing(extraction.startedAt(), extraction.finishedAt(), result.modelLoadSeconds(),
                            copy.transferNanos / 1e9, copy.storeNanos / 1e9));
        } finally {
            for (int i = 0; i < views.size(); i++) {
                views.get(i).close();
                partials.remove(keys.get(i), views.get(i));
            }
            for (FileChannel c : outputs) {
                c.close();
            }
            // discards what was not committed
            stagings.forEach(CollectionStore.Staging::close);
        }
    }

    static int dimension(List<FeatureServiceApi.LayerVectors> layers, String layer) {
        return layers.stream().filter(l -> l.name().equals(layer)).findFirst()
                .orElseThrow(() -> new UpstreamFailureException("Extraction incomplete",
                        "the extraction has no vectors for layer '" + layer + "'"))
                .dimension();
    }

    /** Copies rows from the feature-service to a file, timing the wait for bytes and the writing apart. */
    static final class Copy {
        private final byte[] buffer = new byte[1 << 16];
        long transferNanos;
        long storeNanos;

        /** Copies exactly {@code bytes} bytes from {@code in} to {@code out}. */
        void rows(InputStream in, WritableByteChannel out, long bytes) throws IOException {
            long left = bytes;
            while (left > 0) {
                long t0 = System.nanoTime();
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                long t1 = System.nanoTime();
                transferNanos += t1 - t0;
                if (n < 0) {
                    throw new UpstreamFailureException("Extraction incomplete", "the feature-service sent "
                            + (bytes - left) + " bytes of vectors where " + bytes + " were expected");
                }
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                storeNanos += System.nanoTime() - t1;
                left -= n;
            }
        }
    }

    /** Receives an extraction's rows as they are written. */
    @FunctionalInterface
    interface RowSink {
        /**
         * @param from   the first row's number
         * @param rows   the rows' images, in row order
         * @param layers each layer with its vector dimension
         * @param total  images in the extraction
         */
        void accept(int from, List<FeatureServiceApi.Item> rows, List<FeatureServiceApi.LayerVectors> layers,
                    long total) throws IOException;
    }

    /**
     * Follows an extraction on the feature-service, passing its rows to {@code sink} as they are written and
     * mirroring its progress into {@code ctx} (and cancelling it when the job is cancelled). Each request for rows
     * is answered as soon as there are new ones or the extraction ends (long-poll, at most {@code wait}): no fixed
     * poll interval stands between a batch and its storing.
     *
     * @return the extraction once it has succeeded, its result agreeing with the rows passed on
     * @throws DomainException the extraction's own failure (same words and sort), or an upstream failure when the
     *                         feature-service lost it
     */
    static FeatureServiceApi.ExtractionJob follow(FeatureService features, String extractionId, JobContext ctx,
                                                 Duration wait, RowSink sink) throws IOException {
        ctx.message("extracting features");
        int from = 0;
        FeatureServiceApi.ExtractionRows rows;
        FeatureServiceApi.ExtractionJob done;
        try {
            while (true) {
                if (ctx.isCancelled()) {
                    forget(features, extractionId);
                    ctx.throwIfCancelled();
                }
                rows = features.rows(extractionId, from, ROWS_PER_REQUEST, wait);
                ctx.progress(rows.done(), rows.total());
                if (rows.total() > 0) {
                    ctx.message("extracting features: " + rows.done() + " of " + rows.total() + " images");
                }
                if (!rows.items().isEmpty()) {
                    sink.accept(from, rows.items(), rows.layers(), rows.total());
                    from += rows.items().size();
                } else if (rows.ended()) {
                    break;
                }
            }
            done = "succeeded".equals(rows.state()) ? features.extraction(extractionId) : null;
        } catch (UnknownNameException e) {
            // the extraction was not the client's to name: the feature-service lost it (a restart)
            throw new UpstreamFailureException("Extraction lost", "the feature-service no longer knows extraction "
                    + extractionId + " (" + e.getMessage() + "); ask again to start a new build");
        }
        if (done == null) {
            DomainException failure = rows.failure();
            throw failure != null ? failure
                    : new UpstreamFailureException("Extraction failed", "the feature extraction ended " + rows.state());
        }
        int listed = done.result() == null ? -1 : done.result().items().size();
        if (listed != from) {
            throw new UpstreamFailureException("Extraction incomplete", "the feature-service listed " + from
                    + " rows of extraction " + extractionId + " but its result has " + listed);
        }
        return done;
    }

    /** Lets the feature-service drop an extraction's files once its vectors are stored. */
    static void forget(FeatureService features, String extractionId) {
        try {
            features.deleteExtraction(extractionId);
        } catch (DomainException e) {
            LOG.debugf("could not clean up extraction %s: %s", extractionId, e.getMessage());
        }
    }

    /**
     * @param collections the collections built
     * @param size        items in each
     * @param skipped     images that could not be used, with the reason
     * @param imagesPerSecond throughput of the feature extraction
     * @param timing          where the build's time went (absent for imported collections)
     */
    public record BuildResult(List<CollectionKey> collections, int size, List<Skipped> skipped,
                              double imagesPerSecond, Timing timing) {
        public record Skipped(String id, String reason) {
        }

        /**
         * Where a build's time went, for benchmarks and operators.
         *
         * @param extractionStartedAt  when the feature-service started extracting (after its queue)
         * @param extractionFinishedAt when it finished
         * @param modelLoadSeconds     time the extraction spent opening the model session
         * @param transferSeconds      time spent receiving vectors from the feature-service
         * @param storeSeconds         time spent writing them and making the collection visible
         */
        @Schema(name = "BuildTiming", description = "Where a collection build's time went.")
        public record Timing(
                @Schema(description = "When the feature-service started extracting (after its queue).")
                Instant extractionStartedAt,
                @Schema(description = "When the extraction finished.") Instant extractionFinishedAt,
                @Schema(description = "Seconds the extraction spent opening the model session (0 when cached).")
                double modelLoadSeconds,
                @Schema(description = "Seconds spent receiving vectors from the feature-service.")
                double transferSeconds,
                @Schema(description = "Seconds spent writing the vectors and making the collection visible.")
                double storeSeconds) {
        }
    }
}
