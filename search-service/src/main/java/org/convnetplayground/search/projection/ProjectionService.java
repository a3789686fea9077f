package org.convnetplayground.search.projection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.background.CachedOrJob;
import org.convnetplayground.search.background.Footprint;
import org.convnetplayground.search.background.Outcome;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.build.ModelVersions;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;

/**
 * 2-D maps of collections (PCA at once; t-SNE as a job unless the sample is small), cached per collection version,
 * method and sample size (within cnp.search.projection-cache-max-bytes). Collections larger than the sample limit are shown through a fixed random sample.
 */
@ApplicationScoped
public class ProjectionService {

    public static final String KIND = "projection";
    public static final List<String> METHODS = List.of("pca", "tsne");
    /** t-SNE of this many points or fewer answers at once. */
    static final int SYNCHRONOUS_TSNE = 300;

    private final ModelVersions collections;
    private final CollectionBuilder builder;
    private final SearchConfig config;
    private final CachedOrJob<String, Projection> results;

    @Inject
    public ProjectionService(ModelVersions collections, CollectionBuilder builder, BackgroundJobs jobs, SearchConfig config) {
        this.collections = collections;
        this.builder = builder;
        this.config = config;
        this.results = jobs.cachedOrJob(KIND, config.projectionCacheMaxBytes(), ProjectionService::bytes);
    }

    /**
     * @param method pca (default) or tsne
     * @param sample most points to show; the configured limit when null
     */
    public Outcome<Projection> project(CollectionKey key, String method, Integer sample) throws InterruptedException {
        String m = method == null || method.isBlank() ? "pca" : method.trim().toLowerCase(java.util.Locale.ROOT);
        if (!METHODS.contains(m)) {
            throw InvalidInputException.invalid("method", method, "one of " + METHODS);
        }
        int limit = sample == null ? config.projectionSample() : sample;
        if (limit < 3 || limit > config.projectionSample()) {
            throw InvalidInputException.invalid("sample", sample, "an integer from 3 to " + config.projectionSample());
        }
        Optional<VectorCollection> found = collections.current(key);
        if (found.isEmpty()) {
            return Outcome.pending(builder.build(key.dataset(), key.model(), List.of(key.layer()), key.pooling()));
        }
        VectorCollection c = found.get();
        String cacheKey = key + "|" + c.meta().createdAt() + "|" + m + "|" + limit;
        int[] rows = sample(c.meta().size(), limit);
        return results.get(cacheKey, m.equals("pca") || rows.length <= SYNCHRONOUS_TSNE, ctx -> {
            if (ctx == null) {
                return compute(c, m, rows, null);
            }
            ctx.message("t-SNE of " + rows.length + " points");
            return compute(c, m, rows, it -> {
                ctx.progress(it, Tsne.ITERATIONS);
                ctx.throwIfCancelled();
            });
        });
    }

    private static Projection compute(VectorCollection c, String method, int[] rows,
                                      java.util.function.IntConsumer progress) {
        float[][] data = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            data[i] = c.vectors().row(rows[i]);
        }
        double[][] xy;
        List<Double> variance = null;
        if (method.equals("pca")) {
            Pca.Result r = Pca.project(data, 2);
            xy = r.coordinates();
            variance = Arrays.stream(r.varianceShare()).boxed().toList();
        } else {
            xy = Tsne.project(data, progress == null ? it -> { } : progress);
        }
        List<Projection.Point> points = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            CollectionMeta.Item item = c.item(rows[i]);
            points.add(new Projection.Point(item.id(), item.label(), xy[i][0], xy[i][1]));
        }
        return new Projection(method, c.meta().size(), rows.length, variance, points);
    }

    /** Estimated heap bytes of a map: one point (id, label, x, y) per shown image. */
    static long bytes(Projection p) {
        long bytes = Footprint.OBJECT + Footprint.list(p.points()) + 2 * (Footprint.OBJECT + Footprint.BOXED);
        for (Projection.Point point : p.points()) {
            bytes += Footprint.OBJECT + Footprint.string(point.id()) + Footprint.string(point.label());
        }
        return bytes;
    }

    /** Every row when there are at most {@code limit}; else a fixed pseudo-random sample, in row order. */
    static int[] sample(int n, int limit) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        if (n <= limit) {
            return all;
        }
        Random random = new Random(3);
        for (int i = 0; i < limit; i++) {
            int j = i + random.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] chosen = Arrays.copyOf(all, limit);
        Arrays.sort(chosen);
        return chosen;
    }
}
