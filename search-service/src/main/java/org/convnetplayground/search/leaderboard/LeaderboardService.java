package org.convnetplayground.search.leaderboard;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.convnetplayground.errors.InternalFailureException;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.problem.UpstreamProblems;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.background.CachedOrJob;
import org.convnetplayground.search.background.Footprint;
import org.convnetplayground.search.background.Outcome;
import org.convnetplayground.search.background.StepProgress;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionStore;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.evaluation.Evaluation;
import org.convnetplayground.search.evaluation.EvaluationService;
import org.convnetplayground.search.features.FeatureService;
import org.convnetplayground.search.rest.client.CatalogApi;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.MetricParams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Leaderboards: every feature layer of every chosen model under every chosen metric, ranked by mAP. Computing one
 * is a job that first builds the missing collections - all feature layers of a model in one extraction pass - and
 * then evaluates each. The result is kept (within cnp.search.leaderboard-cache-max-bytes) until one of its
 * collections is rebuilt or deleted.
 */
@ApplicationScoped
public class LeaderboardService {

    public static final String KIND = "leaderboard";
    public static final List<String> DEFAULT_METRICS = List.of("cosine", "euclidean");

    private final CatalogApi catalog;
    private final UpstreamProblems catalogCalls;
    private final FeatureService features;
    private final CollectionStore store;
    private final CollectionBuilder builder;
    private final EvaluationService evaluations;
    private final CachedOrJob<String, Cached> results;

    @Inject
    public LeaderboardService(@RestClient CatalogApi catalog,
                              @ConfigProperty(name = "quarkus.rest-client.catalog.url") String catalogUrl,
                              FeatureService features, CollectionStore store, CollectionBuilder builder,
                              EvaluationService evaluations, BackgroundJobs jobs, SearchConfig config) {
        this.catalog = catalog;
        this.catalogCalls = new UpstreamProblems("model-catalog-service", catalogUrl);
        this.features = features;
        this.store = store;
        this.builder = builder;
        this.evaluations = evaluations;
        // kept until one of its collections is rebuilt or deleted
        this.results = jobs.cachedOrJob(KIND, config.leaderboardCacheMaxBytes(), LeaderboardService::bytes,
                cached -> cached.stillValid(store));
    }

    /**
     * The leaderboard or the job computing it; empty when asked only to look ({@code start} false) and there is
     * nothing computed or being computed.
     *
     * @param modelIds the models to compare; every model in the catalog when empty
     * @param metrics  metric names; cosine and euclidean when empty
     */
    public Optional<Outcome<Leaderboard>> leaderboard(String dataset, List<String> modelIds, List<String> metrics,
                                                      String pooling, boolean start) throws InterruptedException {
        if (dataset == null || dataset.isBlank()) {
            throw InvalidInputException.missing("dataset", "a dataset id from /api/features/datasets");
        }
        List<Metric> chosenMetrics = (metrics.isEmpty() ? DEFAULT_METRICS : metrics).stream()
                .map(m -> Metric.byName(m).orElseThrow(() -> UnknownNameException.unknown("metric", m, null,
                        Metric.names(), "/api/search/metrics").asInvalidField()))
                .distinct().sorted().toList();
        features.requireDataset(dataset);
        List<CatalogApi.CatalogModel> all = catalogCalls.call(catalog::models);
        List<CatalogApi.CatalogModel> chosen = new ArrayList<>();
        for (String id : modelIds) {
            chosen.add(all.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow(() -> UnknownNameException.unknown(
                    "model", id, null, all.stream().map(CatalogApi.CatalogModel::id).toList(), "/api/catalog/models")));
        }
        if (chosen.isEmpty()) {
            chosen = all;
        }
        // the catalog's order (simplest first), whatever the request's order, so equal requests share one result
        List<CatalogApi.CatalogModel> models = all.stream().filter(chosen::contains).toList();
        String key = dataset + "|" + pooling + "|" + String.join(",", models.stream().map(CatalogApi.CatalogModel::id).toList())
                + "|" + String.join(",", chosenMetrics.stream().map(Metric::id).toList());
        if (!start) {
            return results.peek(key).map(o -> o.map(Cached::leaderboard));
        }
        return Optional.of(results.get(key, false, ctx -> compute(dataset, models, chosenMetrics, pooling, ctx))
                .map(Cached::leaderboard));
    }

    private Cached compute(String dataset, List<CatalogApi.CatalogModel> models, List<Metric> metrics, String pooling,
                           JobContext ctx) throws Exception {
        int evaluationsTotal = models.stream().mapToInt(m -> m.featureLayers().size()).sum() * metrics.size();
        StepProgress progress = new StepProgress(ctx, models.size() + evaluationsTotal);
        List<Leaderboard.Row> rows = new ArrayList<>();
        Map<CollectionKey, Instant> versions = new java.util.HashMap<>();
        for (CatalogApi.CatalogModel model : models) {
            List<String> missing = model.featureLayers().stream()
                    .filter(l -> store.meta(new CollectionKey(dataset, model.id(), l, pooling)).isEmpty()).toList();
            if (!missing.isEmpty()) {
                progress.message("extracting " + missing.size() + " layers of " + model.id() + " in one pass");
                builder.buildNow(dataset, model.id(), missing, pooling, progress);
            }
            progress.stepDone();
            int layers = model.featureLayers().size();
            for (int depth = 0; depth < layers; depth++) {
                String layer = model.featureLayers().get(depth);
                CollectionKey key = new CollectionKey(dataset, model.id(), layer, pooling);
                VectorCollection c = store.find(key).orElseThrow(() -> new InternalFailureException(
                        "Collection missing", "collection " + key + " was not built"));
                versions.put(key, c.meta().createdAt());
                for (Metric metric : metrics) {
                    progress.message("evaluating " + model.id() + " " + layer + " under " + metric.id());
                    ctx.throwIfCancelled();
                    Evaluation e = evaluations.evaluateNow(c, metric, MetricParams.DEFAULT_P, null);
                    rows.add(new Leaderboard.Row(model.id(), layer, depth, layers == 1 ? 1 : depth / (double) (layers - 1),
                            c.meta().dimension(), metric.id(), e.map(), e.precisionAt().get("10"), e.weightedShare()));
                    progress.stepDone();
                }
            }
        }
        rows.sort(Comparator.comparingDouble(Leaderboard.Row::map).reversed()
                .thenComparing(Leaderboard.Row::model).thenComparing(Leaderboard.Row::layer));
        List<Leaderboard.ModelEntry> entries = models.stream().map(m -> new Leaderboard.ModelEntry(m.id(), m.family(),
                m.parameters(), m.flops(), m.featureLayers())).toList();
        progress.message("ranked " + rows.size() + " combinations");
        return new Cached(new Leaderboard(dataset, pooling, metrics.stream().map(Metric::id).toList(), entries, rows,
                Instant.now()), versions);
    }

    /** Estimated heap bytes of a kept leaderboard: its rows, models and the collection versions it came from. */
    private static long bytes(Cached c) {
        Leaderboard board = c.leaderboard();
        long bytes = 2 * Footprint.OBJECT + Footprint.list(board.rows()) + Footprint.list(board.models());
        for (Leaderboard.Row row : board.rows()) {
            bytes += 2 * Footprint.OBJECT + Footprint.string(row.model()) + Footprint.string(row.layer())
                    + Footprint.string(row.metric());
        }
        for (Leaderboard.ModelEntry m : board.models()) {
            bytes += Footprint.OBJECT + Footprint.string(m.id()) + Footprint.string(m.family())
                    + Footprint.list(m.featureLayers());
            for (String layer : m.featureLayers()) {
                bytes += Footprint.string(layer);
            }
        }
        for (CollectionKey key : c.versions().keySet()) {
            bytes += Footprint.MAP_ENTRY + 2 * Footprint.OBJECT + Footprint.string(key.dataset())
                    + Footprint.string(key.model()) + Footprint.string(key.layer()) + Footprint.string(key.pooling());
        }
        return bytes;
    }

    /** A computed leaderboard and the collection versions it came from. */
    private record Cached(Leaderboard leaderboard, Map<CollectionKey, Instant> versions) {
        boolean stillValid(CollectionStore store) {
            return versions.entrySet().stream().allMatch(e -> store.meta(e.getKey())
                    .map(m -> m.createdAt().equals(e.getValue())).orElse(false));
        }
    }
}
