package org.convnetplayground.search.build;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.convnetplayground.errors.DomainException;
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
import org.jboss.logging.Logger;

/**
 * Builds collections on demand: asks the feature-service to extract the wanted layers of a dataset in one job,
 * mirrors that job's progress, then pulls each layer's vectors into the store. Requests for a collection that is
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

    private BuildResult run(String extractionId, List<CollectionKey> keys, JobContext ctx) throws Exception {
        FeatureServiceApi.ExtractionResult result = await(features, extractionId, ctx, config.pollInterval());
        ctx.message("storing vectors");
        List<CollectionMeta.Item> items = result.items().stream()
                .map(i -> new CollectionMeta.Item(i.id(), i.label())).toList();
        List<CollectionKey> stored = new ArrayList<>();
        for (CollectionKey key : keys) {
            int dimension = result.layers().stream().filter(l -> l.name().equals(key.layer())).findFirst()
                    .orElseThrow(() -> new UpstreamFailureException("Extraction incomplete",
                            "the extraction has no vectors for layer '" + key.layer() + "'"))
                    .dimension();
            try (CollectionStore.Staging staging = store.stage(key);
                 InputStream vectors = features.vectors(extractionId, key.layer())) {
                staging.writeVectors(vectors);
                staging.commit(new CollectionMeta(key, dimension, result.datasetVersion(), result.modelSha256(),
                        Instant.now(), items));
            }
            stored.add(key);
        }
        forget(features, extractionId);
        ctx.message("built " + stored.size() + " collection(s) of " + items.size() + " images");
        return new BuildResult(stored, items.size(), result.skipped().stream()
                .map(s -> new BuildResult.Skipped(s.id(), s.reason())).toList(), result.imagesPerSecond());
    }

    /**
     * Waits for an extraction on the feature-service, mirroring its progress into {@code ctx} (and cancelling it when
     * the job is cancelled); its result once it succeeded, its problem when it failed.
     */
    static FeatureServiceApi.ExtractionResult await(FeatureService features, String extractionId, JobContext ctx,
                                                    java.time.Duration pollInterval) throws InterruptedException {
        ctx.message("extracting features");
        FeatureServiceApi.ExtractionJob extraction;
        while (true) {
            if (ctx.isCancelled()) {
                features.deleteExtraction(extractionId);
                ctx.throwIfCancelled();
            }
            extraction = features.extraction(extractionId);
            ctx.progress(extraction.done(), extraction.total());
            if (extraction.total() > 0) {
                ctx.message("extracting features: " + extraction.done() + " of " + extraction.total() + " images");
            }
            if (!extraction.state().equals("queued") && !extraction.state().equals("running")) {
                break;
            }
            Thread.sleep(pollInterval.toMillis());
        }
        if (!extraction.state().equals("succeeded")) {
            if (extraction.failure() != null) {
                throw extraction.failure();
            }
            throw new UpstreamFailureException("Extraction failed", "the feature extraction ended " + extraction.state());
        }
        return extraction.result();
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
     */
    public record BuildResult(List<CollectionKey> collections, int size, List<Skipped> skipped,
                              double imagesPerSecond) {
        public record Skipped(String id, String reason) {
        }
    }
}
