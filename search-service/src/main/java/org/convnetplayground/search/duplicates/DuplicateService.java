package org.convnetplayground.search.duplicates;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.problem.ProblemException;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.build.ModelVersions;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.index.IndexService;
import org.convnetplayground.search.query.QueryParameters;

/** Duplicate scans: at once for small collections, as a job for large ones; cached per collection version and threshold. */
@ApplicationScoped
public class DuplicateService {

    public static final String KIND = "duplicates";

    private final ModelVersions collections;
    private final CollectionBuilder builder;
    private final BackgroundJobs jobs;
    private final SearchConfig config;
    private final Map<String, Duplicates> cache = new ConcurrentHashMap<>();
    @Inject
    IndexService indexes;

    @Inject
    public DuplicateService(ModelVersions collections, CollectionBuilder builder, BackgroundJobs jobs, SearchConfig config) {
        this.collections = collections;
        this.builder = builder;
        this.jobs = jobs;
        this.config = config;
    }

    public sealed interface Outcome permits Ready, Pending {
    }

    public record Ready(Duplicates duplicates) implements Outcome {
    }

    public record Pending(Job<?> job) implements Outcome {
    }

    /** @param threshold the distance below which images are duplicates; the metric's default when null */
    public Outcome find(QueryParameters q, Double threshold) {
        if (threshold != null && !(threshold >= 0 && Double.isFinite(threshold))) {
            throw ProblemException.invalid("threshold", threshold, "a finite distance >= 0");
        }
        Optional<VectorCollection> found = collections.current(q.key());
        if (found.isEmpty()) {
            return new Pending(builder.build(q.key().dataset(), q.key().model(), List.of(q.key().layer()),
                    q.key().pooling()));
        }
        VectorCollection c = found.get();
        String key = q.key() + "|" + c.meta().createdAt() + "|" + q.metric().id() + "|" + q.p() + "|" + threshold;
        Duplicates hit = cache.get(key);
        if (hit != null) {
            return new Ready(hit);
        }
        if (c.meta().size() <= config.synchronousLimit()) {
            Duplicates d = DuplicateFinder.find(c, q.metric(), q.p(), threshold, null);
            cache.put(key, d);
            return new Ready(d);
        }
        int n = c.meta().size();
        return new Pending(jobs.submit(KIND, key, ctx -> {
            ctx.message("scanning " + n + " images for near-duplicates");
            // large collections: each item's neighbours from the approximate index instead of all pairs
            Duplicates d = DuplicateFinder.find(indexes.forNeighbourScans(c, q.metric()), q.metric(), q.p(), threshold,
                    done -> {
                ctx.progress(done, n);
                ctx.throwIfCancelled();
            });
            cache.put(key, d);
            return d;
        }));
    }
}
