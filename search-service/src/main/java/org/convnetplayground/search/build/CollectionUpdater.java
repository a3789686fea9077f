package org.convnetplayground.search.build;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.errors.UpstreamFailureException;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.CollectionStore;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.features.FeatureService;
import org.convnetplayground.search.rest.client.FeatureServiceApi;
import org.jboss.logging.Logger;

/**
 * Keeps collections in step with their datasets without rebuilding them: when a dataset's version has moved on,
 * only the images added since are extracted, the rows of deleted images are dropped, and the new version replaces
 * the old in one step. Queries keep being answered from the old version meanwhile. A dataset that is gone takes its
 * collections with it. Versions are looked up at most every few seconds, and not at all while the feature-service
 * is unreachable (stored collections keep answering).
 */
@ApplicationScoped
public class CollectionUpdater {

    private static final Logger LOG = Logger.getLogger(CollectionUpdater.class);
    public static final String KIND = "collection-update";

    private final FeatureService features;
    private final CollectionStore store;
    private final BackgroundJobs jobs;
    private final SearchConfig config;
    private final RecentLookups versions = new RecentLookups();

    @Inject
    public CollectionUpdater(FeatureService features, CollectionStore store, BackgroundJobs jobs, SearchConfig config) {
        this.features = features;
        this.store = store;
        this.jobs = jobs;
        this.config = config;
    }

    /**
     * The update job when {@code c} is behind its dataset (started if not running), else empty.
     *
     * @throws UnknownNameException when the dataset no longer exists (its collections are then deleted)
     */
    public Optional<Job<?>> refreshIfStale(VectorCollection c) {
        return refreshIfStale(c, false);
    }

    /** As {@link #refreshIfStale(VectorCollection)}; {@code recheck} asks the feature-service even if it was asked just now. */
    public Optional<Job<?>> refreshIfStale(VectorCollection c, boolean recheck) {
        if (c.meta().isImported()) {
            // imported vectors follow no dataset of the feature-service
            return Optional.empty();
        }
        String dataset = c.key().dataset();
        if (recheck) {
            versions.forget(dataset);
        }
        String current = currentVersion(dataset);
        if (current == null || current.equals(c.meta().datasetVersion())) {
            return Optional.empty();
        }
        return Optional.of(jobs.submit(KIND, c.key().toString(), ctx -> update(c.key(), ctx)));
    }

    /** The dataset's version, null when it cannot be learnt now; deletes the dataset's collections when it is gone. */
    private String currentVersion(String dataset) {
        return versions.get(dataset, () -> features.datasetVersion(dataset), () -> {
            store.list().stream().filter(m -> m.key().dataset().equals(dataset)).forEach(m -> store.delete(m.key()));
            LOG.infof("dataset %s is gone; its collections were deleted", dataset);
        });
    }

    private Object update(CollectionKey key, JobContext ctx) throws Exception {
        VectorCollection old = store.find(key).orElseThrow(() -> UnknownNameException.notFound("collection " + key + " is gone"));
        String version = features.datasetVersion(key.dataset());
        List<FeatureServiceApi.Item> now = features.images(key.dataset());
        Set<String> had = new HashSet<>();
        old.meta().items().forEach(i -> had.add(i.id()));
        Set<String> present = new HashSet<>();
        now.forEach(i -> present.add(i.id()));
        List<String> added = now.stream().map(FeatureServiceApi.Item::id).filter(id -> !had.contains(id)).toList();
        int dim = old.meta().dimension();

        // rows are streamed into the new version in bounded pieces: kept rows from the mapped old file, then the
        // new images' rows as the feature-service sends them (memory does not grow with the collection)
        List<CollectionMeta.Item> items = new ArrayList<>();
        int removed;
        try (CollectionStore.Staging staging = store.stage(key)) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(staging.vectorsFile()), 1 << 20)) {
                ByteBuffer row = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (int r = 0; r < old.meta().size(); r++) {
                    CollectionMeta.Item item = old.item(r);
                    if (present.contains(item.id())) {
                        items.add(item);
                        row.clear();
                        row.asFloatBuffer().put(old.vectors().row(r));
                        out.write(row.array());
                    }
                }
                removed = old.meta().size() - items.size();
                if (!added.isEmpty()) {
                    ctx.message("extracting " + added.size() + " new images");
                    FeatureServiceApi.ExtractionJob extraction = features.startExtraction(key.dataset(), key.model(),
                            List.of(key.layer()), key.pooling(), added);
                    CollectionBuilder.Copy copy = new CollectionBuilder.Copy();
                    WritableByteChannel channel = Channels.newChannel(out);
                    // the new images' rows are appended as the feature-service writes them
                    CollectionBuilder.follow(features, extraction.id(), ctx, config.extractionWait(),
                            (from, rows, layers, total) -> {
                                if (CollectionBuilder.dimension(layers, key.layer()) != dim) {
                                    throw new UpstreamFailureException("Extraction incomplete", "the feature-service "
                                            + "sent vectors of another dimension than collection " + key + "'s " + dim);
                                }
                                try (InputStream in = features.vectors(extraction.id(), key.layer(), from,
                                        rows.size())) {
                                    copy.rows(in, channel, (long) rows.size() * dim * Float.BYTES);
                                }
                                rows.forEach(item -> items.add(new CollectionMeta.Item(item.id(), item.label())));
                            });
                    CollectionBuilder.forget(features, extraction.id());
                }
            }
            staging.commit(new CollectionMeta(key, dim, version, old.meta().modelSha256(), Instant.now(), items));
        }
        versions.put(key.dataset(), version);
        ctx.message("added " + added.size() + " and removed " + removed + " images");
        LOG.infof("collection %s updated: %d added, %d removed", key, added.size(), removed);
        return null;
    }

}
