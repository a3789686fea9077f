package org.convnetplayground.search.evaluation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.background.CachedOrJob;
import org.convnetplayground.search.background.Footprint;
import org.convnetplayground.search.background.Outcome;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.build.ModelVersions;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.query.QueryParameters;
import org.convnetplayground.vectors.Metric;

/**
 * Evaluations, computed once per collection version and metric and kept in memory (within
 * cnp.search.evaluation-cache-max-bytes): a rebuilt collection has a new version, so its old numbers are never
 * served. Small collections are evaluated at once; large ones as a job.
 */
@ApplicationScoped
public class EvaluationService {

    public static final String KIND = "evaluation";

    private final ModelVersions collections;
    private final CollectionBuilder builder;
    private final SearchConfig config;
    private final CachedOrJob<String, Evaluation> results;

    @Inject
    public EvaluationService(ModelVersions collections, CollectionBuilder builder, BackgroundJobs jobs, SearchConfig config) {
        this.collections = collections;
        this.builder = builder;
        this.config = config;
        this.results = jobs.cachedOrJob(KIND, config.evaluationCacheMaxBytes(), EvaluationService::bytes);
    }

    /** An evaluation and the collection version it is about. */
    public record Evaluated(CollectionMeta collection, Evaluation evaluation) {
    }

    /** The numbers, or the job (a collection build or the evaluation itself) to wait for. */
    public Outcome<Evaluated> evaluate(QueryParameters q) throws InterruptedException {
        Optional<VectorCollection> found = collections.current(q.key());
        if (found.isEmpty()) {
            return Outcome.pending(builder.build(q.key().dataset(), q.key().model(), List.of(q.key().layer()),
                    q.key().pooling()));
        }
        VectorCollection c = found.get();
        return results.get(cacheKey(c, q.metric(), q.p()), c.meta().size() <= config.synchronousLimit(),
                ctx -> compute(c, q.metric(), q.p(), ctx)).map(e -> new Evaluated(c.meta(), e));
    }

    /** The evaluation, computing it on the calling thread if it is not cached (for jobs that evaluate many). */
    public Evaluation evaluateNow(VectorCollection c, Metric metric, double p, JobContext ctx) throws InterruptedException {
        return results.getNow(cacheKey(c, metric, p), ctx, context -> compute(c, metric, p, context));
    }

    private Evaluation compute(VectorCollection c, Metric metric, double p, JobContext ctx)
            throws InterruptedException {
        int n = c.meta().size();
        int queries = Math.min(n, config.evaluationSample());
        return RetrievalEvaluator.evaluate(c, metric, p, Runtime.getRuntime().availableProcessors(), done -> {
            if (ctx != null) {
                ctx.progress(done, n > config.evaluationSampleAbove() ? queries : n);
                ctx.throwIfCancelled();
            }
        }, config.evaluationSampleAbove(), config.evaluationSample());
    }

    /** Estimated heap bytes of an evaluation: its maps of scores, one entry per cutoff and per class. */
    static long bytes(Evaluation e) {
        long perCutoff = Footprint.MAP_ENTRY + Footprint.string("10") + Footprint.BOXED;
        long bytes = Footprint.OBJECT + 2 * (Footprint.OBJECT + e.precisionAt().size() * perCutoff);
        bytes += Footprint.OBJECT;
        for (Map.Entry<String, Evaluation.ClassScores> c : e.perClass().entrySet()) {
            bytes += Footprint.MAP_ENTRY + Footprint.string(c.getKey()) + Footprint.OBJECT;
        }
        return bytes;
    }

    private static String cacheKey(VectorCollection c, Metric metric, double p) {
        return c.key() + "|" + c.meta().createdAt() + "|" + metric.id() + (metric == Metric.MINKOWSKI ? "|" + p : "");
    }
}
