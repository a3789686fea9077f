package org.convnetplayground.search.index.solr;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudHttp2SolrClient;
import org.apache.solr.client.solrj.impl.Http2SolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CursorMarkParams;
import org.apache.solr.common.util.ContentStreamBase;
import org.convnetplayground.errors.UnavailableException;
import org.convnetplayground.search.collection.CollectionKey;
import org.jboss.logging.Logger;

/**
 * The service's side of a SolrCloud cluster: one Solr collection per vector collection, created with the configset of
 * its dimension (uploaded over HTTP through the Configsets API), kept in step with the service's own stored copy by
 * {@link #sync}, searched by {@link SolrIndex}, deleted with it. Only SolrJ's HTTP/2 cluster client is used, built
 * with the nodes' URLs: the cluster state comes from the nodes themselves, so no ZooKeeper client is needed.
 *
 * <p>Two clients share the node list: one for queries, with a short request timeout (a node that hangs costs a query
 * at most that long, then it fails with 503), one for collection administration and indexing, with a long one.
 */
public final class SolrBackend implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SolrBackend.class);
    /** The id of the document that records which version of the service's collection a Solr collection holds. */
    static final String MARKER_ID = "cnp\tsynced";

    /**
     * How to reach the cluster and how to lay collections out in it.
     *
     * @param urls            Solr node base URLs ({@code http://host:port/solr}); any live one will do
     * @param shards          shards per collection
     * @param replicas        replicas per shard
     * @param prefix          the first part of every collection's name
     * @param connectTimeout  TCP connection timeout
     * @param queryTimeout    the longest a query may take (client side; Solr's timeAllowed too)
     * @param indexingTimeout the longest an indexing batch or a collection-administration call may take
     * @param batchSize       documents sent per update request
     * @param rerankFromSolr  whether queries re-rank with the vectors Solr stores rather than the service's copy
     */
    public record Settings(List<String> urls, int shards, int replicas, String prefix, Duration connectTimeout,
                           Duration queryTimeout, Duration indexingTimeout, int batchSize, boolean rerankFromSolr) {
        public Settings {
            urls = List.copyOf(urls);
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("at least one Solr node URL is needed");
            }
            if (shards < 1 || replicas < 1) {
                throw new IllegalArgumentException("shards and replicas must be at least 1, got " + shards + " and "
                        + replicas);
            }
        }
    }

    /** The rows of a collection, as a sync reads them (the service's stored copy). */
    public interface Source {
        int size();

        int dimension();

        String id(int row);

        /** The label, or null. */
        String label(int row);

        /** Copies row {@code row} into {@code into}. */
        void copyRow(int row, float[] into);
    }

    /** A progress report of a sync: done of total items, and what it is doing. */
    public interface Progress {
        void report(long done, long total, String message);
    }

    private final Settings settings;
    private final CloudHttp2SolrClient queries;
    private final CloudHttp2SolrClient admin;
    private final Set<String> configSets = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> syncLocks = new ConcurrentHashMap<>();

    public SolrBackend(Settings settings) {
        this.settings = settings;
        this.queries = client(settings.queryTimeout());
        this.admin = client(settings.indexingTimeout());
    }

    private CloudHttp2SolrClient client(Duration requestTimeout) {
        Http2SolrClient.Builder http = new Http2SolrClient.Builder()
                .withConnectionTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .withIdleTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .withRequestTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return new CloudHttp2SolrClient.Builder(settings.urls()).withInternalClientBuilder(http)
                .withRetryExpiryTime(5, TimeUnit.SECONDS).build();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The Solr collection of a vector collection: readable ({@code cnp_caltech101_mobilenet_v2_global_pool_avg_...})
     * and unique (a hash of the full key ends it; Solr allows only letters, digits, '_', '-' and '.').
     */
    public String collectionName(CollectionKey key) {
        return settings.prefix() + "_" + part(key.dataset()) + "_" + part(key.model()) + "_" + part(key.layer()) + "_"
                + part(key.pooling()) + "_" + key.folderName().substring(0, 10);
    }

    private static String part(String s) {
        String clean = (s == null ? "" : s).replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return clean.length() > 24 ? clean.substring(0, 24) : clean;
    }

    /** The names of the cluster's collections. */
    public List<String> collections() {
        return call("list the collections", () -> CollectionAdminRequest.listCollections(admin));
    }

    /**
     * Whether {@code collection} exists and holds {@code version} of the service's collection ({@code size} items),
     * as the last successful {@link #sync} marked it.
     */
    public boolean inSync(String collection, String version, int size) {
        return call("read the state of collection " + collection, () -> {
            if (!CollectionAdminRequest.listCollections(queries).contains(collection)) {
                return false;
            }
            SolrDocument marker = queries.getById(collection, MARKER_ID);
            return marker != null && version.equals(marker.getFirstValue(SolrConfigSet.SYNCED_VERSION))
                    && Integer.valueOf(size).equals(marker.getFirstValue(SolrConfigSet.SYNCED_SIZE));
        });
    }

    /**
     * Makes {@code collection} hold exactly the rows of {@code source} and marks it as holding {@code version}:
     * creates the collection (and uploads its configset) when missing, re-creates it when its dimension differs, then
     * compares item by item (id and a hash of vector and label, read with a cursor) and sends only what differs:
     * a grown dataset adds its new items, a deleted image is deleted, a rebuilt collection is re-sent, and a sync
     * cut short resumes where it stopped. One sync per collection at a time.
     *
     * @param stillCurrent asked before the version is marked: false when the service's collection changed meanwhile
     *                     (the next sync will then bring the newer version)
     * @return whether the version was marked
     */
    public boolean sync(String collection, Source source, String version, int maxConn, int beamWidth,
                        Progress progress, BooleanSupplier cancelled, BooleanSupplier stillCurrent) {
        synchronized (syncLocks.computeIfAbsent(collection, c -> new Object())) {
            return call("index collection " + collection, () -> doSync(collection, source, version,
                    new SolrConfigSet(source.dimension(), maxConn, beamWidth), progress, cancelled, stillCurrent));
        }
    }

    private boolean doSync(String collection, Source source, String version, SolrConfigSet configSet,
                           Progress progress, BooleanSupplier cancelled, BooleanSupplier stillCurrent)
            throws SolrServerException, IOException {
        int n = source.size();
        progress.report(0, n, "preparing Solr collection " + collection);
        ensureCollection(collection, configSet);
        Map<String, Long> remote = remoteHashes(collection);
        progress.report(0, n, "comparing " + n + " items with the " + remote.size() + " of Solr collection "
                + collection);
        Set<String> local = new HashSet<>(n * 4 / 3 + 1);
        List<SolrInputDocument> batch = new ArrayList<>(settings.batchSize());
        float[] row = new float[source.dimension()];
        long sent = 0;
        for (int i = 0; i < n; i++) {
            if (cancelled.getAsBoolean()) {
                throw new SyncCancelled();
            }
            String id = source.id(i);
            local.add(id);
            source.copyRow(i, row);
            String label = source.label(i);
            long hash = hash(row, label);
            Long had = remote.get(id);
            if (had == null || had != hash) {
                batch.add(document(id, label, row, hash));
                if (batch.size() >= settings.batchSize()) {
                    sent += send(collection, batch);
                }
            }
            if ((i & 255) == 0) {
                progress.report(i, n, "indexing into Solr collection " + collection + " (" + sent + " sent)");
            }
        }
        sent += send(collection, batch);
        List<String> gone = remote.keySet().stream().filter(id -> !local.contains(id)).toList();
        for (int from = 0; from < gone.size(); from += settings.batchSize()) {
            new UpdateRequest().deleteById(gone.subList(from, Math.min(gone.size(), from + settings.batchSize())))
                    .process(admin, collection);
        }
        progress.report(n, n, "committing Solr collection " + collection + " (" + sent + " items sent, "
                + gone.size() + " deleted)");
        admin.commit(collection, true, true);
        if (sent >= Math.max(1000, n / 10)) {
            // after a bulk load, one segment per shard: one HNSW graph to search instead of one per segment (a knn
            // query over 20,000 x 1,280 went from 144 to 40 ms p50 here); small updates leave it to the merge policy
            progress.report(n, n, "merging Solr collection " + collection + " into one segment per shard");
            admin.optimize(collection, true, true, 1);
        }
        if (!stillCurrent.getAsBoolean()) {
            return false;
        }
        SolrInputDocument marker = new SolrInputDocument();
        marker.addField(SolrConfigSet.ID, MARKER_ID);
        marker.addField(SolrConfigSet.SYNCED_VERSION, version);
        marker.addField(SolrConfigSet.SYNCED_SIZE, n);
        new UpdateRequest().add(marker).process(admin, collection);
        admin.commit(collection, true, true);
        LOG.infof("Solr collection %s holds version %s (%d items; %d sent, %d deleted)", collection, version, n, sent,
                gone.size());
        return true;
    }

    private int send(String collection, List<SolrInputDocument> batch) throws SolrServerException, IOException {
        if (batch.isEmpty()) {
            return 0;
        }
        int size = batch.size();
        new UpdateRequest().add(batch).process(admin, collection);
        batch.clear();
        return size;
    }

    private static SolrInputDocument document(String id, String label, float[] row, long hash) {
        SolrInputDocument doc = new SolrInputDocument();
        doc.addField(SolrConfigSet.ID, id);
        if (label != null) {
            doc.addField(SolrConfigSet.LABEL, label);
        }
        doc.addField(SolrConfigSet.HASH, hash);
        // Lucene's cosine cannot index an all-zero vector (its cosine is undefined; SciPy's distance is NaN and such
        // an item ranks last): it is kept without a vector, found only by exact queries.
        if (!isZero(row)) {
            List<Float> values = new ArrayList<>(row.length);
            for (float v : row) {
                values.add(v);
            }
            doc.addField(SolrConfigSet.VECTOR, values);
        }
        return doc;
    }

    static boolean isZero(float[] v) {
        for (float x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** FNV-1a over the vector's bits and the label: equal for an unchanged item, different for a changed one. */
    static long hash(float[] row, String label) {
        long h = 0xcbf29ce484222325L;
        for (float v : row) {
            int bits = Float.floatToRawIntBits(v);
            for (int s = 0; s < 32; s += 8) {
                h ^= (bits >>> s) & 0xff;
                h *= 0x100000001b3L;
            }
        }
        String l = label == null ? "\u0000" : label;
        for (int i = 0; i < l.length(); i++) {
            h ^= l.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Every item's id and hash in the Solr collection, read with a cursor (no deep paging). */
    private Map<String, Long> remoteHashes(String collection) throws SolrServerException, IOException {
        Map<String, Long> out = new HashMap<>();
        String cursor = CursorMarkParams.CURSOR_MARK_START;
        while (true) {
            SolrQuery q = new SolrQuery(SolrConfigSet.HASH + ":[* TO *]");
            q.setRows(10_000);
            q.setFields(SolrConfigSet.ID, SolrConfigSet.HASH);
            q.setSort(SolrConfigSet.ID, SolrQuery.ORDER.asc);
            q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
            QueryResponse r = admin.query(collection, q, SolrRequest.METHOD.POST);
            for (SolrDocument d : r.getResults()) {
                out.put((String) d.getFirstValue(SolrConfigSet.ID), ((Number) d.getFirstValue(SolrConfigSet.HASH))
                        .longValue());
            }
            String next = r.getNextCursorMark();
            if (next == null || next.equals(cursor)) {
                return out;
            }
            cursor = next;
        }
    }

    private void ensureCollection(String collection, SolrConfigSet configSet) throws SolrServerException,
            IOException {
        ensureConfigSet(configSet);
        List<String> existing = CollectionAdminRequest.listCollections(admin);
        if (existing.contains(collection)) {
            String config = configName(collection);
            if (configSet.name().equals(config)) {
                return;
            }
            LOG.infof("Solr collection %s uses configset %s, not %s (another dimension or revision): re-created",
                    collection, config, configSet.name());
            CollectionAdminRequest.deleteCollection(collection).process(admin);
        }
        CollectionAdminRequest.Create create = CollectionAdminRequest.createCollection(collection, configSet.name(),
                settings.shards(), settings.replicas());
        create.setWaitForFinalState(true);
        create.process(admin);
        LOG.infof("created Solr collection %s (%d shards x %d replicas, configset %s)", collection, settings.shards(),
                settings.replicas(), configSet.name());
    }

    private String configName(String collection) throws SolrServerException, IOException {
        var status = CollectionAdminRequest.getClusterStatus().setCollectionName(collection).process(admin);
        @SuppressWarnings("unchecked")
        Map<String, Object> collections = (Map<String, Object>) status.getResponse().findRecursive("cluster",
                "collections");
        Object state = collections == null ? null : collections.get(collection);
        if (state instanceof Map<?, ?> m) {
            Object name = m.get("configName");
            return name == null ? null : name.toString();
        }
        if (state instanceof org.apache.solr.common.util.NamedList<?> nl) {
            Object name = nl.get("configName");
            return name == null ? null : name.toString();
        }
        return null;
    }

    private void ensureConfigSet(SolrConfigSet configSet) throws SolrServerException, IOException {
        if (configSets.contains(configSet.name())) {
            return;
        }
        List<String> present = new ConfigSetAdminRequest.List().process(admin).getConfigSets();
        if (!present.contains(configSet.name())) {
            ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload();
            upload.setConfigSetName(configSet.name());
            upload.setUploadStream(new ContentStreamBase.ByteArrayStream(configSet.zip(), configSet.name() + ".zip",
                    "application/zip"));
            try {
                upload.process(admin);
                LOG.infof("uploaded Solr configset %s", configSet.name());
            } catch (SolrException e) {
                // another service instance may have uploaded it just now
                if (!new ConfigSetAdminRequest.List().process(admin).getConfigSets().contains(configSet.name())) {
                    throw e;
                }
            }
        }
        configSets.add(configSet.name());
    }

    /** Deletes a collection's Solr collection, if it has one. */
    public void delete(String collection) {
        call("delete collection " + collection, () -> {
            if (CollectionAdminRequest.listCollections(admin).contains(collection)) {
                CollectionAdminRequest.deleteCollection(collection).process(admin);
                LOG.infof("deleted Solr collection %s", collection);
            }
            return null;
        });
    }

    /** One hit of a {@link #knn} search: the item id and, when asked for, its vector as Solr stores it. */
    record KnnHit(String id, float[] vector) {
    }

    /**
     * The {@code topK} nearest items to {@code vector} under cosine from every shard's HNSW graph, merged by Solr.
     *
     * @param withVectors whether each hit's stored vector is returned too
     */
    List<KnnHit> knn(String collection, float[] vector, int topK, boolean withVectors) {
        StringBuilder v = new StringBuilder(vector.length * 12).append('[');
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                v.append(',');
            }
            v.append(vector[i]);
        }
        v.append(']');
        SolrQuery q = new SolrQuery("{!knn f=" + SolrConfigSet.VECTOR + " topK=" + topK + "}" + v);
        q.setRows(topK);
        q.setFields(withVectors ? SolrConfigSet.ID + "," + SolrConfigSet.VECTOR : SolrConfigSet.ID);
        q.setTimeAllowed((int) settings.queryTimeout().toMillis());
        // the vector is too long for a URL: POST
        SolrDocumentList docs = call("query collection " + collection,
                () -> queries.query(collection, q, SolrRequest.METHOD.POST).getResults());
        List<KnnHit> out = new ArrayList<>(docs.size());
        for (SolrDocument d : docs) {
            float[] stored = null;
            if (withVectors) {
                java.util.Collection<Object> values = d.getFieldValues(SolrConfigSet.VECTOR);
                if (values != null) {
                    stored = new float[values.size()];
                    int i = 0;
                    for (Object o : values) {
                        stored[i++] = ((Number) o).floatValue();
                    }
                }
            }
            out.add(new KnnHit((String) d.getFirstValue(SolrConfigSet.ID), stored));
        }
        return out;
    }

    private interface SolrCall<T> {
        T run() throws SolrServerException, IOException;
    }

    /** Thrown inside a sync when its job is cancelled. */
    public static final class SyncCancelled extends RuntimeException {
        SyncCancelled() {
            super("cancelled", null, false, false);
        }
    }

    /**
     * Runs one exchange with the cluster; a cluster that cannot answer (down, timed out, refusing) becomes a 503
     * naming the nodes, what was being done and why it failed.
     */
    private <T> T call(String what, SolrCall<T> call) {
        try {
            return call.run();
        } catch (SyncCancelled | org.convnetplayground.errors.DomainException e) {
            throw e;
        } catch (SolrServerException | IOException | RuntimeException e) {
            // SolrJ also reports an unreachable cluster with plain RuntimeExceptions ("Failed fetching live_nodes")
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            if (why.length() > 300) {
                why = why.substring(0, 300) + "...";
            }
            throw new UnavailableException("Search cluster unavailable", String.format(Locale.ROOT,
                    "the Solr cluster %s could not %s: %s", settings.urls(), what, why), null, e);
        }
    }

    @Override
    public void close() {
        for (CloudHttp2SolrClient c : List.of(queries, admin)) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debugf("closing a Solr client: %s", e.getMessage());
            }
        }
    }
}
