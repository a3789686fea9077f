package org.convnetplayground.search.duplicates;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.background.CachedOrJob;
import org.convnetplayground.search.background.Footprint;
import org.convnetplayground.search.background.Outcome;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.build.ModelVersions;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.index.IndexService;
import org.convnetplayground.search.query.QueryParameters;
import org.convnetplayground.search.ranking.SimilarityScales;

/**
 * Duplicate scans: at once for small collections, as a job for large ones; cached per collection version, threshold
 * and cap (within cnp.search.duplicates-cache-max-bytes). The threshold is bounded by the collection's median pair
 * distance and the pairs listed by a cap, so neither the work nor the answer grows with what a client asks. Large
 * collections are scanned on every core, each image's neighbours asked of the approximate index up to
 * cnp.search.duplicates-neighbours.
 */
@ApplicationScoped
public class DuplicateService {

    public static final String KIND = "duplicates";

    private final ModelVersions collections;
    private final CollectionBuilder builder;
    private final SearchConfig config;
    private final SimilarityScales scales;
    private final CachedOrJob<String, Duplicates> results;
    @Inject
    IndexService indexes;

    @Inject
    public DuplicateService(ModelVersions collections, CollectionBuilder builder, BackgroundJobs jobs, SearchConfig config,
                            SimilarityScales scales) {
        this.collections = collections;
        this.builder = builder;
        this.config = config;
        this.scales = scales;
        this.results = jobs.cachedOrJob(KIND, config.duplicatesCacheMaxBytes(), DuplicateService::bytes);
    }

    /**
     * @param threshold the distance below which images are duplicates; the metric's default when null
     * @param maxPairs  most pairs listed (the closest); the configured default when null
     */
    public Outcome<Duplicates> find(QueryParameters q, Double threshold, Integer maxPairs) throws InterruptedException {
        if (threshold != null && !(threshold >= 0 && Double.isFinite(threshold))) {
            throw InvalidInputException.invalid("threshold", threshold, "a distance from 0 to the collection's median "
                    + "pair distance (maxThreshold in a duplicates answer)");
        }
        int cap = maxPairs == null ? config.duplicatesPairs() : maxPairs;
        if (cap < 1 || cap > config.duplicatesMaxPairs()) {
            throw InvalidInputException.invalid("maxPairs", maxPairs, "an integer from 1 to " + config.duplicatesMaxPairs());
        }
        Optional<VectorCollection> found = collections.current(q.key());
        if (found.isEmpty()) {
            return Outcome.pending(builder.build(q.key().dataset(), q.key().model(), List.of(q.key().layer()),
                    q.key().pooling()));
        }
        VectorCollection c = found.get();
        double typical = scales.typical(c, q.metric(), q.p());
        double max = DuplicateFinder.MAX_THRESHOLD_FRACTION * typical;
        if (threshold != null && threshold > max) {
            throw InvalidInputException.invalid("threshold", threshold, "a distance from 0 to " + max + ", the median "
                    + q.metric().id() + " distance between two images of collection " + q.key()
                    + " (a pair as far apart as a typical pair is no near-duplicate)");
        }
        String key = q.key() + "|" + c.meta().createdAt() + "|" + q.metric().id() + "|" + q.p() + "|" + threshold
                + "|" + cap;
        int n = c.meta().size();
        return results.get(key, n <= config.synchronousLimit(), ctx -> {
            if (ctx == null) {
                return DuplicateFinder.find(c, q.metric(), q.p(), threshold, typical, cap, null);
            }
            ctx.message("scanning " + n + " images for near-duplicates");
            // large collections: each item's neighbours from the approximate index instead of all pairs
            VectorCollection searched = indexes.forNeighbourScans(c, q.metric());
            return DuplicateFinder.find(searched, q.metric(), q.p(), threshold, typical, cap,
                    searched == c ? DuplicateFinder.Neighbours.EXACT : indexNeighbours(),
                    Runtime.getRuntime().availableProcessors(), done -> {
                ctx.progress(done, n);
                ctx.throwIfCancelled();
            });
        });
    }

    /**
     * Neighbours asked of an approximate index: at most the configured cap, first as many as cost no more than
     * {@link DuplicateFinder#FIRST_NEIGHBOURS} (a query takes at least min-candidates from the graph, oversample per
     * neighbour), so that an image with many close neighbours asks twice only when the cap costs more.
     */
    private DuplicateFinder.Neighbours indexNeighbours() {
        int most = config.duplicatesNeighbours();
        if (most < 1) {
            throw new IllegalStateException("cnp.search.duplicates-neighbours is " + most + "; expected at least 1");
        }
        int free = (int) (config.index().minCandidates() / Math.max(1, config.index().oversample()));
        return DuplicateFinder.Neighbours.capped(Math.min(most, Math.max(DuplicateFinder.FIRST_NEIGHBOURS, free)), most);
    }

    /** Estimated heap bytes of a scan: its pairs (two ids and a distance each), its groups of ids and their labels. */
    static long bytes(Duplicates d) {
        long bytes = 2 * Footprint.OBJECT + Footprint.list(d.pairs()) + Footprint.list(d.groups());
        for (Duplicates.Pair p : d.pairs()) {
            bytes += Footprint.OBJECT + Footprint.string(p.a()) + Footprint.string(p.b());
        }
        for (List<String> group : d.groups()) {
            bytes += Footprint.list(group);
            for (String id : group) {
                bytes += Footprint.string(id);
            }
        }
        // the labels share the groups' id strings: one map entry and a label string each
        for (String label : d.labels().values()) {
            bytes += 2 * Footprint.OBJECT + Footprint.string(label);
        }
        return bytes;
    }
}
