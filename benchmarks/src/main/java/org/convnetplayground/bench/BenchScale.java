package org.convnetplayground.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.convnetplayground.testing.ClusteredVectors;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.ServiceProcess;
import org.convnetplayground.testing.SolrClusterProcess;

/**
 * {@code make bench-scale}: a large collection imported through the API and searched both ways. Takes
 * {@code VECTORS=path.npy} and {@code QUERIES=path.npy} (float32 [n, d] and [q, d]); without them it generates
 * clustered, non-negative, CNN-like vectors with a fixed seed ({@code ROWS} x {@code DIM}, default 1,000,000 x 1,280,
 * and 100 queries) and says where it wrote them. It imports the vectors into a search-service started with
 * {@code -Xmx2g}, waits for the HNSW index, then prints one JSON line per mode: rows, dimension, import time, bytes on
 * disk, heap used after import, p50/p95 of the in-service ranking time and of the HTTP round trip for k = 50 under
 * cosine, and recall@50 against an exact top-50 computed here, outside the product, by a plain scan of the file.
 * With {@code BACKENDS=embedded,solr} (the default) it does so twice in one run: with the embedded HNSW index, then
 * with a search-service on a local 2-node SolrCloud (2 shards x 2 replicas), each line naming its {@code backend}. It
 * also measures the machine's memory bandwidth (a plain SIMD scan of the mapped vectors on every core) and the
 * exact-scan time that bandwidth allows. {@code DUPLICATES=1} also times a near-duplicate scan of the whole collection;
 * {@code FAISS_HNSW=program} (set by scripts/bench-scale.sh from {@code FAISS_HOME}) ends the run with FAISS's HNSW on
 * the same files and ground truth, side by side with the embedded index. The exact top-50s are cached next to the
 * generated files.
 */
public final class BenchScale {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final int K = 50;
    /** Keeps the bandwidth pass's result alive, so the JIT cannot drop the reads. */
    static volatile double sink;
    static final String DATASET = "bench-scale";
    static final String MODEL = "generated";
    static final String LAYER = "embedding";
    /** Centres of the generated vectors: 1,000 rows each at 1,000,000 rows. */
    static final int CENTRES = 1000;

    public static void main(String[] args) throws Exception {
        Path work = Repo.dir().resolve("target/bench-scale");
        Files.createDirectories(work);
        int rows = Integer.parseInt(env("ROWS", "1000000"));
        int dim = Integer.parseInt(env("DIM", "1280"));
        int queryCount = Integer.parseInt(env("QUERY_COUNT", "100"));
        Path vectors = System.getenv("VECTORS") == null ? null : Path.of(System.getenv("VECTORS"));
        Path queries = System.getenv("QUERIES") == null ? null : Path.of(System.getenv("QUERIES"));
        if (vectors == null) {
            vectors = work.resolve("vectors-" + rows + "x" + dim + ".npy");
            if (!Files.exists(vectors)) {
                System.out.printf("generating %d x %d clustered vectors (seed 42) into %s%n", rows, dim, vectors);
                generate(vectors, rows, dim, 42);
            }
            System.out.println("vectors: " + vectors + " (generated, seed 42)");
        }
        if (queries == null) {
            queries = work.resolve("queries-" + queryCount + "x" + dim + ".npy");
            if (!Files.exists(queries)) {
                generate(queries, queryCount, dim, 4242);
            }
            System.out.println("queries: " + queries + " (generated, seed 4242)");
        }
        Npy data = Npy.open(vectors);
        Npy q = Npy.open(queries);
        if (q.dim != data.dim) {
            throw new IllegalArgumentException("queries have " + q.dim + " dimensions, vectors " + data.dim);
        }
        Path ids = work.resolve("ids-" + data.rows + ".txt");
        writeIds(ids, data.rows);

        double bandwidth = bandwidth(data);
        double scanBoundMs = data.rows * (double) data.dim * 4 / bandwidth * 1e3;
        System.out.printf(Locale.ROOT, "memory bandwidth: %.1f GB/s (a plain SIMD scan of the %.2f GB mapped vectors "
                + "(%s dot products), %d threads, best of two passes after one to load them); exact-scan bound %.1f ms "
                + "per query%n", bandwidth / 1e9,
                data.rows * (double) data.dim * 4 / 1e9, org.convnetplayground.vectors.BufferKernels.best().name(),
                Runtime.getRuntime().availableProcessors(), scanBoundMs);

        Path truthFile = work.resolve("truth-" + vectors.getFileName() + "-" + Files.size(vectors) + "-"
                + queries.getFileName() + ".txt");
        List<Set<Integer>> truth;
        if (Files.exists(truthFile) && Files.getLastModifiedTime(truthFile).compareTo(Files.getLastModifiedTime(vectors)) > 0
                && Files.getLastModifiedTime(truthFile).compareTo(Files.getLastModifiedTime(queries)) > 0) {
            truth = readTruth(truthFile);
            System.out.println("exact top-" + K + " of every query: read from " + truthFile);
        } else {
            System.out.println("exact top-" + K + " of every query, outside the product (plain scan in double)...");
            truth = groundTruth(data, q);
            writeTruth(truthFile, truth);
            System.out.println("  written to " + truthFile);
        }

        // BACKENDS=embedded,solr (the default) measures both, side by side in one run; solr on a local 2-node SolrCloud
        List<String> backends = List.of(env("BACKENDS", "embedded,solr").split(","));
        // DATA_DIR=<an earlier run's data dir> measures queries again without importing again (a fresh Solr
        // cluster still gets the stored collection from the search-service at its start)
        Path dataDir = System.getenv("DATA_DIR") != null ? Path.of(System.getenv("DATA_DIR"))
                : Files.createTempDirectory("cnp-bench-scale");
        System.out.println("search-service data dir " + dataDir + "; starting services...");
        try (ServiceProcess catalog = ServiceProcess.start("model-catalog-service", Map.of(
                     "cnp.catalog.models-dir", Repo.models().toString(),
                     "cnp.catalog.data-dir", dataDir.resolve("catalog").toString()));
             ServiceProcess features = ServiceProcess.start("feature-service", Map.of(
                     "cnp.features.datasets-dir", Repo.datasets().toString(),
                     "cnp.features.data-dir", dataDir.resolve("features").toString(),
                     "quarkus.rest-client.catalog.url", catalog.url()));
             SolrClusterProcess solr = backends.contains("solr") ? SolrClusterProcess.start(2, "-Xmx3g") : null) {
            Map<String, Object> embeddedApproximate = null;
            for (String backend : backends) {
                Map<String, String> config = new LinkedHashMap<>(Map.of(
                        "cnp.search.data-dir", dataDir.resolve("search-" + backend).toString(),
                        "cnp.search.warm-up", "",
                        "quarkus.rest-client.features.url", features.url(),
                        "quarkus.rest-client.catalog.url", catalog.url(),
                        "cnp.search.backend", backend));
                if (solr != null) {
                    config.put("cnp.search.solr.urls", solr.urls());
                    System.out.println("Solr nodes: " + solr.urls());
                }
                if (backend.equals("embedded") && System.getenv("CANDIDATES") != null) {
                    sweep(config, List.of(System.getenv("CANDIDATES").split(",")), q, truth);
                }
                try (ServiceProcess search = ServiceProcess.start("search-service", config)) {
                    Map<String, Object> approximate = run(search.url(), backend, vectors, ids, data, q, truth, bandwidth,
                            scanBoundMs, dataDir.resolve("search-" + backend));
                    if (backend.equals("embedded")) {
                        embeddedApproximate = approximate;
                    }
                    if (System.getenv("DUPLICATES") != null && backend.equals("embedded")) {
                        duplicates(search.url(), data);
                    }
                }
            }
            if (System.getenv("FAISS_HNSW") != null && embeddedApproximate != null) {
                // after the search-services stopped, so FAISS has the machine to itself
                faiss(Path.of(System.getenv("FAISS_HNSW")), vectors, queries, truthFile, embeddedApproximate, work);
            }
        }
    }

    /**
     * {@code CANDIDATES=100,150,300}: approximate queries with each number of graph candidates (efSearch, then re-ranked
     * exactly), one search-service start per value over the same stored index (imported and built first if needed),
     * to choose {@code cnp.search.index.min-candidates} by measurement.
     */
    static void sweep(Map<String, String> base, List<String> values, Npy q, List<Set<Integer>> truth) throws Exception {
        for (String value : values) {
            Map<String, String> config = new LinkedHashMap<>(base);
            config.put("cnp.search.index.min-candidates", value.trim());
            config.put("cnp.search.index.oversample", "1");
            try (ServiceProcess search = ServiceProcess.start("search-service", config)) {
                JsonNode stored = get(search.url() + "/api/search/collections");
                if (!stored.toString().contains("\"" + DATASET + "\"")) {
                    System.out.println("sweep: the collection is not stored yet; run once without CANDIDATES first");
                    return;
                }
                awaitIndex(search.url());
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("sweep", "embedded approximate");
                line.put("graphCandidates", Math.max(Integer.parseInt(value.trim()), K));
                line.putAll(measure(search.url(), q, "approximate", truth, null, Map.of()));
                System.out.println(JSON.writeValueAsString(line));
            }
        }
    }

    /**
     * FAISS's HNSW (M 16, efConstruction as ours, one search thread) on the same files and ground truth, after the
     * services stopped: the smallest efSearch whose recall@50 reaches the embedded index's, and the two p50s side by
     * side. FAISS_HNSW names the program built from benchmarks/faiss/faiss_hnsw.cpp.
     */
    static void faiss(Path program, Path vectors, Path queries, Path truthFile, Map<String, Object> ours, Path work)
            throws Exception {
        double recall = (Double) ours.get("recallAt50");
        int beamWidth = Integer.parseInt(env("FAISS_EF_CONSTRUCTION", "100"));
        Path cache = work.resolve("faiss-hnsw-" + vectors.getFileName() + "-M16-ef" + beamWidth + ".index");
        System.out.printf(Locale.ROOT, "FAISS HNSW on the same files (M 16, efConstruction %d, index cached in %s), "
                + "one search thread, efSearch raised until recall@50 >= %.4f...%n", beamWidth, cache, recall);
        Process p = new ProcessBuilder(program.toString(), "--vectors", vectors.toString(), "--queries",
                queries.toString(), "--truth", truthFile.toString(), "--k", String.valueOf(K), "--m", "16",
                "--ef-construction", String.valueOf(beamWidth), "--target-recall", String.valueOf(recall),
                "--index-cache", cache.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        JsonNode reached = null;
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println(line);
                JsonNode n = JSON.readTree(line);
                if (n.path("reachesTarget").asBoolean() && reached == null) {
                    reached = n;
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("faiss_hnsw exited " + p.exitValue());
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("comparison", "embedded approximate (in-service tookMs) vs FAISS HNSW (one thread, smallest efSearch "
                + "reaching the same recall@50)");
        line.put("rows", ours.get("rows"));
        line.put("recallAt50", recall);
        line.put("oursTookMsP50", ours.get("tookMsP50"));
        if (reached == null) {
            line.put("faiss", "no efSearch up to 2048 reached the recall");
        } else {
            line.put("faissEfSearch", reached.get("efSearch").asInt());
            line.put("faissRecallAt50", reached.get("recallAt50").asDouble());
            line.put("faissMsP50", reached.get("msP50").asDouble());
            line.put("oursOverFaiss", Math.round((Double) ours.get("tookMsP50") / reached.get("msP50").asDouble() * 100)
                    / 100.0);
        }
        System.out.println(JSON.writeValueAsString(line));
    }

    /**
     * Finds every pair closer than the default threshold (a job on a large collection) and prints how long it took,
     * from the request to the answer.
     */
    static void duplicates(String url, Npy data) throws Exception {
        String request = url + "/api/search/duplicates?dataset=" + DATASET + "&model=" + MODEL + "&layer=" + LAYER
                + "&maxPairs=100";
        System.out.println("duplicates over " + data.rows + " rows (default cosine threshold)...");
        Instant t0 = Instant.now();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(request)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 202) {
            await(url + JSON.readTree(r.body()).get("job").asText(), "duplicates");
            r = HTTP.send(HttpRequest.newBuilder(URI.create(request)).build(), HttpResponse.BodyHandlers.ofString());
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("duplicates answered " + r.statusCode() + ": " + r.body());
        }
        double seconds = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        JsonNode d = JSON.readTree(r.body());
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("duplicates", "embedded");
        line.put("rows", data.rows);
        line.put("seconds", seconds);
        line.put("threshold", d.get("threshold").asDouble());
        line.put("typicalDistance", d.get("typicalDistance").asDouble());
        line.put("pairs", d.get("total").asLong());
        // with a neighbour cap the total is a lower bound; these say how far
        line.put("neighbourCap", d.path("neighbourCap").isNumber() ? d.get("neighbourCap").asInt() : null);
        line.put("imagesAtCap", d.path("imagesAtCap").asLong());
        line.put("groups", d.get("groups").size());
        System.out.println(JSON.writeValueAsString(line));
    }

    static List<Set<Integer>> readTruth(Path file) throws IOException {
        List<Set<Integer>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Set<Integer> rows = new HashSet<>();
            for (String id : line.trim().split(" ")) {
                rows.add(Integer.parseInt(id));
            }
            out.add(rows);
        }
        return out;
    }

    static void writeTruth(Path file, List<Set<Integer>> truth) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (Set<Integer> rows : truth) {
                out.write(rows.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" ")));
                out.write('\n');
            }
        }
    }

    /** One backend: import, wait for its approximate index, measure both modes; returns the approximate line. */
    static Map<String, Object> run(String url, String backend, Path vectors, Path ids, Npy data, Npy q, List<Set<Integer>> truth,
                    double bandwidth, double scanBoundMs, Path searchDir) throws Exception {
        Map<String, Object> approximate = null;
        Instant t0 = Instant.now();
        boolean stored = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/search/collections/" + DATASET + "/"
                + MODEL + "/" + LAYER)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        if (!stored) {
            JsonNode job = importVectors(url, vectors, ids);
            await(url + job.get("job").asText(), "import");
        } else {
            System.out.printf("[%s] the collection is stored already (DATA_DIR): not imported again%n", backend);
            query(url, q.row(0), "auto");
        }
        double importSeconds = stored ? Double.NaN : Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        System.out.printf(Locale.ROOT, "[%s] imported in %.1f s; waiting for the approximate index...%n", backend,
                importSeconds);
        Instant t1 = Instant.now();
        awaitIndex(url);
        double indexSeconds = stored ? Double.NaN : Duration.between(t1, Instant.now()).toMillis() / 1000.0;
        long heap = heapUsed(url);
        long disk = bytes(searchDir.resolve("collections"));
        // the bound is read from the service's own stored copy, the bytes its exact scan reads: one copy in the
        // page cache, not two competing (the .npy as well would push the index out between exact queries)
        Path storedCopy = storedVectors(searchDir.resolve("collections"), data);
        Npy bound = storedCopy == null ? data : Npy.raw(storedCopy, data.rows, data.dim);
        Map<String, Set<String>> exactById = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "[%s] approximate index (%s) ready %.1f s after the import%n", backend,
                backend.equals("solr") ? "Solr collection, 2 shards x 2 replicas on 2 nodes" : "embedded HNSW",
                indexSeconds);
        for (String mode : List.of("exact", "approximate")) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("backend", backend);
            line.put("mode", mode);
            line.put("rows", data.rows);
            line.put("dimension", data.dim);
            line.put("importSeconds", importSeconds);
            line.put("indexBuildSeconds", indexSeconds);
            line.put("bytesOnDisk", disk);
            line.put("heapUsedAfterImportBytes", heap);
            line.putAll(measure(url, q, mode, truth, bound, exactById));
            if (mode.equals("exact")) {
                line.put("memoryBandwidthGBs", Math.round(bandwidth / 1e8) / 10.0);
                line.put("scanBoundMs", Math.round(scanBoundMs * 10) / 10.0);
            }
            System.out.println(JSON.writeValueAsString(line));
            if (mode.equals("approximate")) {
                approximate = line;
            }
        }
        System.out.printf(Locale.ROOT, "heap used at the end: %d MB%n", heapUsed(url) >> 20);
        return approximate;
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /**
     * Latency percentiles and recall@50 of one mode over every query.
     *
     * @param bound     read once after every exact query, for the bandwidth bound side by side (null: not measured)
     * @param exactById the exact mode's answers to queries by id, kept by exact and compared by approximate
     */
    static Map<String, Object> measure(String url, Npy q, String mode, List<Set<Integer>> truth, Npy bound,
                                       Map<String, Set<String>> exactById) throws Exception {
        // warm-up, every query once: the first queries map pages and compile, and a service that has been up a while
        // has every path compiled (at 500,000 rows, approximate p50 2.05 ms after 10 warm-up queries, 1.65 ms after 100)
        for (int i = 0; i < q.rows; i++) {
            query(url, q.row(i), mode);
        }
        double[] took = new double[q.rows];
        double[] http = new double[q.rows];
        // exact: a plain read of the same number of bytes after every query, so the bound is measured side by side
        double[] boundMs = new double[q.rows];
        double[] ratio = new double[q.rows];
        double found = 0;
        Set<String> modes = new HashSet<>();
        for (int i = 0; i < q.rows; i++) {
            long t = System.nanoTime();
            JsonNode r = query(url, q.row(i), mode);
            http[i] = (System.nanoTime() - t) / 1e6;
            took[i] = r.get("tookMs").asDouble();
            if (mode.equals("exact") && bound != null) {
                boundMs[i] = readPass(bound) * 1e3;
                ratio[i] = took[i] / boundMs[i];
            }
            modes.add(r.get("mode").asText());
            Set<Integer> expected = truth.get(i);
            for (JsonNode hit : r.get("hits")) {
                if (expected.contains(Integer.parseInt(hit.get("id").asText().substring(5)))) {
                    found++;
                }
            }
        }
        Arrays.sort(took);
        Arrays.sort(http);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("answeredAs", modes);
        m.put("queries", q.rows);
        m.put("k", K);
        m.put("tookMsP50", round(took[q.rows / 2]));
        m.put("tookMsP95", round(took[(int) (q.rows * 0.95)]));
        m.put("httpMsP50", round(http[q.rows / 2]));
        m.put("httpMsP95", round(http[(int) (q.rows * 0.95)]));
        m.put("recallAt50", Math.round(found / (q.rows * (double) K) * 10000) / 10000.0);
        if (mode.equals("exact") && bound != null) {
            Arrays.sort(boundMs);
            Arrays.sort(ratio);
            m.put("readPassMsP50", round(boundMs[q.rows / 2]));
            m.put("exactOverReadPassP50", round(ratio[q.rows / 2]));
        }
        m.putAll(byId(url, mode, exactById));
        return m;
    }

    /**
     * Queries by id ({@code /api/search/query}) for {@value #BY_ID} items spread over the collection: the p50 of the
     * in-service time and, in approximate mode, recall@50 against the exact mode's answers to the same ids.
     */
    static Map<String, Object> byId(String url, String mode, Map<String, Set<String>> exactById) throws Exception {
        JsonNode collection = get(url + "/api/search/collections/" + DATASET + "/" + MODEL + "/" + LAYER);
        int size = collection.get("size").asInt();
        double[] took = new double[BY_ID];
        double found = 0;
        int compared = 0;
        for (int i = 0; i < BY_ID; i++) {
            String id = "item-" + (long) i * Math.max(size, 1) / BY_ID;
            Map<String, Object> body = new LinkedHashMap<>(Map.of("dataset", DATASET, "model", MODEL, "layer", LAYER,
                    "metric", "cosine", "k", K, "mode", mode, "queryId", id));
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/search/query"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("query by id " + id + " answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode answer = JSON.readTree(r.body());
            took[i] = answer.get("tookMs").asDouble();
            Set<String> hits = new HashSet<>();
            answer.get("hits").forEach(h -> hits.add(h.get("id").asText()));
            if (mode.equals("exact")) {
                exactById.put(id, hits);
            } else if (exactById.containsKey(id)) {
                hits.retainAll(exactById.get(id));
                found += hits.size();
                compared++;
            }
        }
        Arrays.sort(took);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("byIdQueries", BY_ID);
        m.put("byIdTookMsP50", round(took[BY_ID / 2]));
        if (compared > 0) {
            m.put("byIdRecallAt50VsExactMode", Math.round(found / (compared * (double) K) * 10000) / 10000.0);
        }
        return m;
    }

    static final int BY_ID = 20;

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static JsonNode query(String url, float[] vector, String mode) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dataset", DATASET);
        body.put("model", MODEL);
        body.put("layer", LAYER);
        body.put("metric", "cosine");
        body.put("k", K);
        body.put("mode", mode);
        body.put("vector", vector);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/search/query-vector"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("query answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The exact top-50 under cosine of every query, by a plain scan of the file in double, on every core. */
    static List<Set<Integer>> groundTruth(Npy data, Npy q) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<Set<Integer>>> futures = new ArrayList<>();
            for (int i = 0; i < q.rows; i++) {
                float[] query = q.row(i);
                futures.add(pool.submit(() -> exactTop(data, query)));
            }
            List<Set<Integer>> out = new ArrayList<>();
            for (Future<Set<Integer>> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static Set<Integer> exactTop(Npy data, float[] query) {
        double qn = 0;
        for (float v : query) {
            qn += (double) v * v;
        }
        qn = Math.sqrt(qn);
        java.util.PriorityQueue<double[]> worst = new java.util.PriorityQueue<>((a, b) -> Double.compare(b[0], a[0]));
        float[] row = new float[data.dim];
        for (int r = 0; r < data.rows; r++) {
            data.copyRow(r, row);
            double dot = 0;
            double rn = 0;
            for (int j = 0; j < row.length; j++) {
                dot += (double) query[j] * row[j];
                rn += (double) row[j] * row[j];
            }
            double d = 1 - dot / (qn * Math.sqrt(rn));
            if (worst.size() < K) {
                worst.add(new double[] {d, r});
            } else if (d < worst.peek()[0]) {
                worst.poll();
                worst.add(new double[] {d, r});
            }
        }
        Set<Integer> top = new HashSet<>();
        worst.forEach(e -> top.add((int) e[1]));
        return top;
    }

    /** Bytes per second of a plain SIMD scan of the mapped vectors on every core (best pass after one to load them). */
    static double bandwidth(Npy data) throws Exception {
        double best = 0;
        for (int pass = 0; pass < 3; pass++) {
            double seconds = readPass(data);
            if (pass > 0) {
                best = Math.max(best, data.bytes() / seconds);
            }
        }
        return best;
    }

    /** Seconds of one plain SIMD scan of every mapped vector, the rows split across all cores. */
    static double readPass(Npy data) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Double>> parts = new ArrayList<>();
            int step = (data.rows + threads - 1) / threads;
            for (int t = 0; t < threads; t++) {
                int from = t * step;
                int to = Math.min(data.rows, from + step);
                parts.add(pool.submit(() -> data.sum(from, to)));
            }
            double sum = 0;
            for (Future<Double> f : parts) {
                sum += f.get();
            }
            sink = sum;
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdown();
        }
    }

    static JsonNode importVectors(String url, Path vectors, Path ids) throws Exception {
        String boundary = "cnp-" + UUID.randomUUID();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        for (String[] field : new String[][] {{"dataset", DATASET}, {"model", MODEL}, {"layer", LAYER}}) {
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                    + field[0] + "\"\r\n\r\n" + field[1] + "\r\n"));
        }
        for (Object[] file : new Object[][] {{"vectors", vectors}, {"ids", ids}}) {
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                    + file[0] + "\"; filename=\"" + ((Path) file[1]).getFileName() + "\"\r\nContent-Type: "
                    + "application/octet-stream\r\n\r\n"));
            parts.add(HttpRequest.BodyPublishers.ofFile((Path) file[1]));
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n"));
        }
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/search/collections/import"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("import answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static void await(String jobUrl, String what) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofHours(6));
        double reported = -1;
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = get(jobUrl);
            String state = job.get("state").asText();
            if (state.equals("succeeded")) {
                return;
            }
            if (!state.equals("queued") && !state.equals("running")) {
                throw new IllegalStateException(what + " ended " + state + ": " + job);
            }
            double progress = job.get("progress").asDouble();
            if (progress - reported >= 0.1) {
                System.out.printf(Locale.ROOT, "  %s %3.0f%% (%s)%n", what, progress * 100, job.path("message").asText());
                reported = progress;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException(what + " did not finish in 6 hours");
    }

    /** Waits for the collection's HNSW build job (kind index-build) or Solr sync (solr-sync), if it has one. */
    static void awaitIndex(String url) throws Exception {
        for (JsonNode job : get(url + "/api/search/jobs")) {
            String kind = job.get("kind").asText();
            if (kind.equals("index-build") || kind.equals("solr-sync")) {
                await(url + job.get("job").asText(), kind);
            }
        }
    }

    static long heapUsed(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\} ([0-9.eE+]+)").matcher(r.body());
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return (long) sum;
    }

    /** The service's stored float32 copy of the collection (vectors.f32 of the right size), or null. */
    static Path storedVectors(Path collections, Npy data) throws IOException {
        try (Stream<Path> files = Files.walk(collections)) {
            return files.filter(p -> p.getFileName().toString().equals("vectors.f32"))
                    .filter(p -> p.toFile().length() == data.bytes()).findFirst().orElse(null);
        }
    }

    static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** {@link ClusteredVectors} around {@value #CENTRES} centres, as a float32 .npy. */
    static void generate(Path file, int rows, int dim, long seed) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + dim + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                (byte) (header.length() & 0xff), (byte) (header.length() >> 8)});
            out.write(header.getBytes(StandardCharsets.ISO_8859_1));
            ClusteredVectors.write(out, rows, dim, CENTRES, seed);
        }
    }

    static void writeIds(Path file, int rows) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < rows; i++) {
                out.write("item-" + i + "\tgenerated\n");
            }
        }
    }

    /** A float32 .npy matrix, memory-mapped. */
    static final class Npy {
        final int rows;
        final int dim;
        final MappedByteBuffer[] chunks;
        final int rowsPerChunk;

        private Npy(int rows, int dim, MappedByteBuffer[] chunks, int rowsPerChunk) {
            this.rows = rows;
            this.dim = dim;
            this.chunks = chunks;
            this.rowsPerChunk = rowsPerChunk;
        }

        static Npy open(Path file) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(head, 0);
                int headerLength = head.getShort(8) & 0xffff;
                ByteBuffer h = ByteBuffer.allocate(headerLength);
                ch.read(h, 10);
                String text = new String(h.array(), StandardCharsets.ISO_8859_1);
                if (!text.contains("'<f4'") || text.contains("True")) {
                    throw new IllegalArgumentException(file + " is not float32 little-endian C order: " + text);
                }
                Matcher m = Pattern.compile("\\((\\d+), (\\d+)\\)").matcher(text);
                if (!m.find()) {
                    throw new IllegalArgumentException(file + ": no 2-d shape in " + text);
                }
                return map(ch, 10 + headerLength, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            }
        }

        /** A headerless float32 file of {@code rows} x {@code dim} values (the search-service's stored vectors). */
        static Npy raw(Path file, int rows, int dim) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                if (ch.size() != rows * (long) dim * Float.BYTES) {
                    throw new IllegalArgumentException(file + " holds " + ch.size() + " bytes, not " + rows + " x " + dim);
                }
                return map(ch, 0, rows, dim);
            }
        }

        private static Npy map(FileChannel ch, long offset, int rows, int dim) throws IOException {
            int rowsPerChunk = (Integer.MAX_VALUE - 8) / (dim * 4);
            int count = (rows + rowsPerChunk - 1) / rowsPerChunk;
            MappedByteBuffer[] chunks = new MappedByteBuffer[count];
            for (int c = 0; c < count; c++) {
                long first = (long) c * rowsPerChunk;
                long n = Math.min(rowsPerChunk, rows - first);
                chunks[c] = ch.map(FileChannel.MapMode.READ_ONLY, offset + first * dim * 4, n * dim * 4);
                chunks[c].order(ByteOrder.LITTLE_ENDIAN);
            }
            return new Npy(rows, dim, chunks, rowsPerChunk);
        }

        long bytes() {
            return rows * (long) dim * Float.BYTES;
        }

        float[] row(int r) {
            float[] out = new float[dim];
            copyRow(r, out);
            return out;
        }

        void copyRow(int r, float[] out) {
            FloatBuffer f = chunks[r / rowsPerChunk].duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            f.get((r % rowsPerChunk) * dim, out, 0, dim);
        }

        /**
         * A plain brute-force scan of rows [from, to): the dot product of every row with a fixed vector, with the SIMD
         * kernels the service's exact scan uses, read in place; nothing else (no norms, no heap of candidates).
         */
        double sum(int from, int to) {
            org.convnetplayground.vectors.BufferKernels kernels = org.convnetplayground.vectors.BufferKernels.best();
            float[] ones = new float[dim];
            Arrays.fill(ones, 1f);
            double s = 0;
            for (int r = from; r < to; r++) {
                s += kernels.dot(ones, chunks[r / rowsPerChunk], (r % rowsPerChunk) * dim * 4, dim);
            }
            return s;
        }
    }
}
