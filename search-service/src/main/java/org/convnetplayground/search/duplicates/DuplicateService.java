package org.convnetplayground.search.duplicates;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.background.CachedOrJob;
import org.convnetplayground.search.background.Outcome;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.build.ModelVersions;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.query.QueryParameters;

/** Duplicate scans: at once for small collections, as a job for large ones; cached per collection version and threshold. */
@ApplicationScoped
public class DuplicateService {

    public static final String KIND = "duplicates";

    private final ModelVersions collections;
    private final CollectionBuilder builder;
    private final SearchConfig config;
    private final CachedOrJob<String, Duplicates> results;

    @Inject
    public DuplicateService(ModelVersions collections, CollectionBuilder builder, BackgroundJobs jobs, SearchConfig config) {
        this.collections = collections;
        this.builder = builder;
        this.config = config;
        this.results = new CachedOrJob<>(KIND, jobs);
    }

    /** @param threshold the distance below which images are duplicates; the metric's default when null */
    public Outcome<Duplicates> find(QueryParameters q, Double threshold) throws InterruptedException {
        if (threshold != null && !(threshold >= 0 && Double.isFinite(threshold))) {
            throw InvalidInputException.invalid("threshold", threshold, "a finite distance >= 0");
        }
        Optional<VectorCollection> found = collections.current(q.key());
        if (found.isEmpty()) {
            return Outcome.pending(builder.build(q.key().dataset(), q.key().model(), List.of(q.key().layer()),
                    q.key().pooling()));
        }
        VectorCollection c = found.get();
        String key = q.key() + "|" + c.meta().createdAt() + "|" + q.metric().id() + "|" + q.p() + "|" + threshold;
        int n = c.meta().size();
        return results.get(key, n <= config.synchronousLimit(), ctx -> {
            if (ctx == null) {
                return DuplicateFinder.find(c, q.metric(), q.p(), threshold, null);
            }
            ctx.message("scanning " + n + " images for near-duplicates");
            return DuplicateFinder.find(c, q.metric(), q.p(), threshold, done -> {
                ctx.progress(done, n);
                ctx.throwIfCancelled();
            });
        });
    }
}
