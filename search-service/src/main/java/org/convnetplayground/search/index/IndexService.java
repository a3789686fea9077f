package org.convnetplayground.search.index;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.convnetplayground.files.Durable;
import org.convnetplayground.files.FileTrees;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.CollectionStore;
import org.convnetplayground.search.collection.CollectionVectors;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.index.solr.SolrBackend;
import org.convnetplayground.search.index.solr.SolrIndex;
import org.convnetplayground.vectors.MappedVectors;
import org.jboss.logging.Logger;

/**
 * The index of each stored collection: an exact scan for small ones; for collections of
 * {@code cnp.search.index.approximate-from} items or more, an HNSW index kept in the collection's folder
 * ({@code hnsw/}), built in the background the first time it is wanted (answered exactly meanwhile, and the answer
 * says so) and opened from disk afterwards. A new version of a collection gets a new index.
 *
 * <p>With {@code cnp.search.backend=solr} the approximate index of every stored collection, small ones included, is a
 * Solr collection instead ({@link SolrIndex}): synced in the background after each new version (and whenever the
 * cluster turns out not to hold the current one: a fresh cluster, a collection deleted by hand), answered exactly
 * meanwhile, and deleted with the collection. A sync that failed (cluster down) is tried again on the next query
 * after {@link #SOLR_RETRY}.
 */
@ApplicationScoped
public class IndexService {

    private static final Logger LOG = Logger.getLogger(IndexService.class);
    public static final String KIND = "index-build";
    static final String HNSW_FOLDER = "hnsw";
    static final String READY_FILE = "ready.json";
    /**
     * Says which layout an index folder has: 2 = one segment per build, document i = row i. Folders of another layout
     * (layout 1 kept a row field in segments of any order) are built again.
     */
    static final int LAYOUT = 2;
    private static final String STAGING_PREFIX = ".hnsw-staging-";
    public static final String SOLR_SYNC = "solr-sync";
    public static final String SOLR_DELETE = "solr-delete";
    public static final String SOLR_CHECK = "solr-check";
    /** How long after a failed Solr sync the next query may start another. */
    static final java.time.Duration SOLR_RETRY = java.time.Duration.ofSeconds(15);

    private final CollectionStore store;
    private final BackgroundJobs jobs;
    private final SearchConfig.Index config;
    private final HnswParams params;
    private final Map<CollectionKey, Opened> open = new ConcurrentHashMap<>();
    /** The SolrCloud cluster with {@code backend=solr}, else null. */
    private final SolrBackend solr;
    private static final java.util.concurrent.ScheduledExecutorService CLOSER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "index-closer");
                t.setDaemon(true);
                return t;
            });

    /** An index opened for one version of a collection. */
    private record Opened(Instant version, VectorIndex index, Job<?> building, Instant openedAt) {
        Opened(Instant version, VectorIndex index, Job<?> building) {
            this(version, index, building, Instant.now());
        }
    }

    @Inject
    public IndexService(CollectionStore store, BackgroundJobs jobs, SearchConfig config) {
        this.store = store;
        this.jobs = jobs;
        this.config = config.index();
        // the index of a deleted or replaced collection is closed (its files freed) once queries in flight are done
        store.onReplaced(key -> {
            Opened gone = open.remove(key);
            if (gone != null) {
                CLOSER.schedule(gone.index()::close, 30, java.util.concurrent.TimeUnit.SECONDS);
            }
        });
        this.params = new HnswParams(this.config.maxConn(), this.config.beamWidth(), this.config.quantized(),
                this.config.oversample(), this.config.minCandidates(), this.config.buildThreads() > 0
                        ? this.config.buildThreads() : Runtime.getRuntime().availableProcessors());
        if (config.backend() == SearchConfig.Backend.SOLR) {
            SearchConfig.Solr s = config.solr();
            this.solr = new SolrBackend(new SolrBackend.Settings(s.urls(), s.shards(), s.replicas(),
                    s.collectionPrefix(), s.connectTimeout(), s.queryTimeout(), s.indexingTimeout(), s.batchSize(),
                    s.rerankFromSolr()));
            store.onReplaced(this::followSolr);
            LOG.infof("approximate queries go to the SolrCloud cluster %s (%d shards x %d replicas per collection)",
                    s.urls(), s.shards(), s.replicas());
        } else {
            this.solr = null;
        }
    }

    /**
     * With Solr, every stored collection is checked against the cluster once the store has loaded them (observers
     * run in priority order; the store's runs at the default) and synced where the cluster lacks its current version
     * (a fresh cluster, a change made while the service was down), in the background.
     */
    void onStart(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(
            jakarta.interceptor.Interceptor.Priority.APPLICATION + 600) io.quarkus.runtime.StartupEvent event) {
        if (solr == null) {
            return;
        }
        jobs.submit(SOLR_CHECK, "all stored collections", ctx -> {
            List<CollectionMeta> all = store.list();
            for (int i = 0; i < all.size(); i++) {
                ctx.progress(i, all.size());
                ctx.message("checking the Solr collection of " + all.get(i).key());
                store.find(all.get(i).key()).ifPresent(this::index);
            }
            ctx.progress(all.size(), all.size());
            return null;
        });
    }

    /** The SolrCloud cluster behind approximate queries ({@code backend=solr}). */
    public Optional<SolrBackend> solr() {
        return Optional.ofNullable(solr);
    }

    @jakarta.annotation.PreDestroy
    void close() {
        if (solr != null) {
            solr.close();
        }
    }

    /** A new version of a collection is synced to Solr at once; a deleted collection's Solr collection goes too. */
    private void followSolr(CollectionKey key) {
        if (store.meta(key).isPresent()) {
            store.find(key).ifPresent(this::index);
            return;
        }
        String name = solr.collectionName(key);
        jobs.submit(SOLR_DELETE, name, ctx -> {
            ctx.message("deleting Solr collection " + name);
            solr.delete(name);
            return null;
        });
    }

    /** Whether a collection is mirrored to Solr ({@code backend=solr}: every stored one a graph takes). */
    private boolean mirrored(VectorCollection c) {
        return solr != null && c.mapped().isPresent() && c.meta().dimension() <= KernelHnswVectorsFormat.MAX_DIMENSIONS;
    }

    /** The approximate index's parameters. */
    public HnswParams params() {
        return params;
    }

    /** The size from which collections are searched approximately in {@code auto} mode. */
    public int crossover() {
        return config.approximateFrom();
    }

    /** Whether a collection is large enough to be searched approximately (embedded HNSW, or Solr). */
    public boolean wantsApproximate(VectorCollection c) {
        return c.meta().size() >= config.approximateFrom() && c.meta().dimension() <= KernelHnswVectorsFormat.MAX_DIMENSIONS
                && c.mapped().isPresent();
    }

    /** Whether a collection gets an approximate index: an embedded one when large, a Solr one always with Solr. */
    private boolean wantsIndex(VectorCollection c) {
        return solr != null ? mirrored(c) : wantsApproximate(c);
    }

    /** Whether a Solr sync that failed may be tried again now. */
    private boolean retryDue(Opened o) {
        return solr != null && o.building() != null && o.building().state() == org.convnetplayground.jobs.JobState.FAILED
                && o.openedAt().plus(SOLR_RETRY).isBefore(Instant.now());
    }

    /** The build job of a collection's approximate index while it runs. */
    public Optional<Job<?>> building(VectorCollection c) {
        Opened o = open.get(c.key());
        return o == null || o.building() == null || o.building().state().isFinal() ? Optional.empty()
                : Optional.of(o.building());
    }

    /** The best index of {@code c} available now (its exact scan while its approximate index is being built). */
    public VectorIndex index(VectorCollection c) {
        Instant version = c.meta().createdAt();
        Opened o = open.get(c.key());
        // a build that failed or was cancelled is not retried until the service restarts (its job tells why)
        if (o != null && o.version().equals(version)
                && (o.index().approximateReady() || !wantsIndex(c) || (o.building() != null
                        && o.building().state() != org.convnetplayground.jobs.JobState.SUCCEEDED && !retryDue(o)))) {
            return o.index();
        }
        synchronized (this) {
            o = open.get(c.key());
            if (o != null && o.version().equals(version) && (o.index().approximateReady() || (o.building() != null
                    && !o.building().state().isFinal()))) {
                return o.index();
            }
            if (o != null && !o.version().equals(version)) {
                CLOSER.schedule(o.index()::close, 30, java.util.concurrent.TimeUnit.SECONDS);
            }
            Opened fresh = openIndex(c);
            open.put(c.key(), fresh);
            return fresh.index();
        }
    }

    private Opened openIndex(VectorCollection c) {
        CollectionVectors.Mapped mapped = c.mapped().orElseThrow(() -> new IllegalStateException(
                "collection " + c.key() + " is not stored"));
        ExactIndex exact = new ExactIndex(mapped.scan(), row -> c.item(row).id(), id -> c.row(id).orElse(-1));
        if (solr != null) {
            return mirrored(c) ? openSolr(c, exact) : new Opened(c.meta().createdAt(), exact, null);
        }
        if (!wantsApproximate(c)) {
            return new Opened(c.meta().createdAt(), exact, null);
        }
        Path folder = store.folder(c.key());
        Path hnsw = folder.resolve(HNSW_FOLDER);
        if (isBuilt(hnsw, c)) {
            try {
                return new Opened(c.meta().createdAt(), HnswIndex.open(exact, hnsw, params, config.approximateFrom()),
                        null);
            } catch (IOException | RuntimeException e) {
                LOG.warnf("the HNSW index of %s cannot be opened (%s); building it again", c.key(), e.getMessage());
            }
        }
        Job<?> job = jobs.submit(KIND, c.key() + "|" + c.meta().createdAt(), ctx -> build(c, mapped.scan().vectors(),
                folder, ctx));
        return new Opened(c.meta().createdAt(),
                exact.saying("the approximate index of this collection is being built; answered exactly meanwhile"), job);
    }

    /**
     * The Solr index of {@code c} when the cluster holds its current version; else a sync job and the exact scan
     * meanwhile; or, when the cluster does not answer, the exact scan for what it can answer and a 503 for the rest
     * (tried again on the next query).
     */
    private Opened openSolr(VectorCollection c, ExactIndex exact) {
        String name = solr.collectionName(c.key());
        String version = c.meta().createdAt().toString();
        try {
            if (solr.inSync(name, version, c.meta().size())) {
                // a query that fails has the next one look at the cluster afresh (a collection deleted by hand, a
                // cluster replaced)
                Runnable forget = () -> open.computeIfPresent(c.key(),
                        (k, o) -> o.index() instanceof SolrIndex && o.version().equals(c.meta().createdAt()) ? null : o);
                return new Opened(c.meta().createdAt(), SolrIndex.open(solr, name, exact, params,
                        config.approximateFrom(), forget), null);
            }
        } catch (org.convnetplayground.errors.UnavailableException e) {
            LOG.warnf("Solr does not answer for %s: %s", c.key(), e.getMessage());
            return new Opened(c.meta().createdAt(), SolrIndex.unreachable(exact, e, config.approximateFrom()), null);
        }
        Job<?> job = jobs.submit(SOLR_SYNC, c.key() + "|" + version, ctx -> {
            try {
                solr.sync(name, source(c), version, params.maxConn(), params.beamWidth(),
                        (done, total, message) -> {
                            ctx.progress(done, total);
                            ctx.message(message);
                        }, ctx::isCancelled,
                        () -> store.meta(c.key()).map(m -> m.createdAt().equals(c.meta().createdAt())).orElse(false));
            } catch (SolrBackend.SyncCancelled e) {
                ctx.throwIfCancelled();
            }
            return null;
        });
        return new Opened(c.meta().createdAt(),
                exact.saying("the Solr collection of this collection is being indexed; answered exactly meanwhile"), job);
    }

    private static SolrBackend.Source source(VectorCollection c) {
        CollectionVectors.Mapped rows = c.mapped().orElseThrow();
        return new SolrBackend.Source() {
            @Override
            public int size() {
                return c.meta().size();
            }

            @Override
            public int dimension() {
                return c.meta().dimension();
            }

            @Override
            public String id(int row) {
                return c.item(row).id();
            }

            @Override
            public String label(int row) {
                return c.item(row).label();
            }

            @Override
            public void copyRow(int row, float[] into) {
                rows.scan().vectors().copyRow(row, into, 0);
            }
        };
    }

    private boolean isBuilt(Path hnsw, VectorCollection c) {
        try {
            Path ready = hnsw.resolve(READY_FILE);
            return Files.isRegularFile(ready) && Files.readString(ready).trim().equals(readyMark(c));
        } catch (IOException e) {
            return false;
        }
    }

    /** What a finished index of {@code c}'s current version says in its ready file. */
    private static String readyMark(VectorCollection c) {
        return "{\"collection\": \"" + c.meta().createdAt() + "\", \"layout\": " + LAYOUT + "}";
    }

    private Object build(VectorCollection c, MappedVectors vectors, Path folder, JobContext ctx) throws IOException {
        long start = System.nanoTime();
        try (Stream<Path> old = Files.list(folder)) {
            old.filter(p -> p.getFileName().toString().startsWith(STAGING_PREFIX)).forEach(FileTrees::deleteTree);
        }
        Path staging = folder.resolve(STAGING_PREFIX + UUID.randomUUID());
        Files.createDirectories(staging);
        try {
            ctx.message("adding " + vectors.size() + " vectors to an HNSW graph (M " + params.maxConn() + ", beam "
                    + params.beamWidth() + (params.quantized() ? ", int8" : "") + ")");
            HnswIndex.build(staging, vectors, params, done -> ctx.progress(done, vectors.size()), ctx::isCancelled);
            Files.writeString(staging.resolve(READY_FILE), readyMark(c));
            synchronized (store) {
                if (store.meta(c.key()).map(m -> !m.createdAt().equals(c.meta().createdAt())).orElse(true)) {
                    ctx.message("the collection changed while its index was built; discarded");
                    return null;
                }
                Durable.replaceDirectory(staging, folder.resolve(HNSW_FOLDER));
            }
        } catch (IOException | RuntimeException e) {
            if (ctx.isCancelled()) {
                ctx.throwIfCancelled();
            }
            throw e;
        } finally {
            FileTrees.deleteTree(staging);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ctx.message(String.format(java.util.Locale.ROOT, "built the HNSW index of %d vectors in %.1f s",
                vectors.size(), seconds));
        LOG.infof("HNSW index of %s (%d x %d) built in %.1f s", c.key(), vectors.size(), vectors.dim(), seconds);
        return null;
    }

    /**
     * {@code c} with its nearest-neighbour queries ({@code topK}) answered by its approximate index when it has one
     * for {@code metric}, waiting for the index while it is built: what scans that ask every item's neighbours
     * (near-duplicates) need on large collections, where exact scans would compare every pair. Distances stay exact.
     */
    public VectorCollection forNeighbourScans(VectorCollection c, org.convnetplayground.vectors.Metric metric)
            throws InterruptedException {
        if (!wantsApproximate(c)) {
            return c;
        }
        VectorIndex index = index(c);
        Optional<Job<?>> build = building(c);
        if (build.isPresent()) {
            try {
                build.get().completion().get();
            } catch (java.util.concurrent.ExecutionException e) {
                return c;
            }
            index = index(c);
        }
        if (!index.approximateReady() || !index.approximates(metric)) {
            return c;
        }
        return withNeighboursFrom(c, index);
    }

    /**
     * {@code c} with its nearest-neighbour queries ({@code topK}) answered by {@code approximate} (an index ready for
     * the metrics asked); rows and full distance passes stay exact. What {@link #forNeighbourScans} returns, and what
     * benchmarks of such scans build around an index of their own.
     */
    static VectorCollection withNeighboursFrom(VectorCollection c, VectorIndex approximate) {
        CollectionVectors rows = c.vectors();
        return c.withSearch(new CollectionVectors() {
            @Override
            public int size() {
                return rows.size();
            }

            @Override
            public int dim() {
                return rows.dim();
            }

            @Override
            public float[] row(int i) {
                return rows.row(i);
            }

            @Override
            public java.util.List<org.convnetplayground.vectors.ScoredRow> topK(float[] query,
                    org.convnetplayground.vectors.Metric m, double p, int k, java.util.function.IntPredicate exclude) {
                IndexAnswer a = approximate.search(new IndexQuery(query, m, p, k + 1, null, SearchMode.APPROXIMATE));
                java.util.List<org.convnetplayground.vectors.ScoredRow> out = new java.util.ArrayList<>();
                for (Neighbour n : a.neighbours()) {
                    int row = n.row();
                    if (row >= 0 && (exclude == null || !exclude.test(row)) && out.size() < k) {
                        out.add(new org.convnetplayground.vectors.ScoredRow(row, n.distance()));
                    }
                }
                return out;
            }

            @Override
            public double[] distances(float[] query, org.convnetplayground.vectors.Metric m, double p) {
                return rows.distances(query, m, p);
            }
        });
    }
}
