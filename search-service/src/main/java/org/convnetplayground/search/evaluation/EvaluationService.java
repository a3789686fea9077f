package org.convnetplayground.search.evaluation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.build.ModelVersions;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.query.QueryParameters;
import org.convnetplayground.vectors.Metric;

/**
 * Evaluations, computed once per collection version and metric and kept in memory: a rebuilt collection has a new
 * version, so its old numbers are never served. Small collections are evaluated at once; large ones as a job.
 */
@ApplicationScoped
public class EvaluationService {

    public static final String KIND = "evaluation";

    private final ModelVersions collections;
    private final CollectionBuilder builder;
    private final BackgroundJobs jobs;
    private final SearchConfig config;
    private final Map<String, Evaluation> cache = new ConcurrentHashMap<>();

    @Inject
    public EvaluationService(ModelVersions collections, CollectionBuilder builder, BackgroundJobs jobs, SearchConfig config) {
        this.collections = collections;
        this.builder = builder;
        this.jobs = jobs;
        this.config = config;
    }

    /** Either the numbers or the job (a collection build or the evaluation itself) to wait for. */
    public sealed interface Outcome permits Ready, Pending {
    }

    public record Ready(VectorCollection collection, Evaluation evaluation) implements Outcome {
    }

    public record Pending(Job<?> job) implements Outcome {
    }

    public Outcome evaluate(QueryParameters q) throws InterruptedException {
        Optional<VectorCollection> found = collections.current(q.key());
        if (found.isEmpty()) {
            return new Pending(builder.build(q.key().dataset(), q.key().model(), List.of(q.key().layer()),
                    q.key().pooling()));
        }
        VectorCollection c = found.get();
        Evaluation cached = cache.get(cacheKey(c, q.metric(), q.p()));
        if (cached != null) {
            return new Ready(c, cached);
        }
        if (c.meta().size() <= config.synchronousLimit()) {
            return new Ready(c, compute(c, q.metric(), q.p(), null));
        }
        return new Pending(jobs.submit(KIND, cacheKey(c, q.metric(), q.p()), ctx -> compute(c, q.metric(), q.p(), ctx)));
    }

    /** The evaluation, computing it on the calling thread if it is not cached (for jobs that evaluate many). */
    public Evaluation evaluateNow(VectorCollection c, Metric metric, double p, JobContext ctx) throws InterruptedException {
        Evaluation cached = cache.get(cacheKey(c, metric, p));
        return cached != null ? cached : compute(c, metric, p, ctx);
    }

    private Evaluation compute(VectorCollection c, Metric metric, double p, JobContext ctx) throws InterruptedException {
        int n = c.meta().size();
        int queries = Math.min(n, config.evaluationSample());
        Evaluation e = RetrievalEvaluator.evaluate(c, metric, p, Runtime.getRuntime().availableProcessors(), done -> {
            if (ctx != null) {
                ctx.progress(done, n > config.evaluationSampleAbove() ? queries : n);
                ctx.throwIfCancelled();
            }
        }, config.evaluationSampleAbove(), config.evaluationSample());
        cache.put(cacheKey(c, metric, p), e);
        return e;
    }

    private static String cacheKey(VectorCollection c, Metric metric, double p) {
        return c.key() + "|" + c.meta().createdAt() + "|" + metric.id() + (metric == Metric.MINKOWSKI ? "|" + p : "");
    }
}
