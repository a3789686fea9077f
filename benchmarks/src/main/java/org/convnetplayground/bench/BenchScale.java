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
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
 * cosine, and recall@50 against an exact top-50 computed here, outside the product, by a plain scan of the file. It
 * With {@code BACKENDS=embedded,solr} (the default) it does so twice in one run: with the embedded HNSW index, then
 * with a search-service on a local 2-node SolrCloud (2 shards x 2 replicas), each line naming its {@code backend}. It
 * also measures the machine's memory bandwidth (a sequential read of the mapped vectors on every core) and the
 * exact-scan time that bandwidth allows.
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
        System.out.printf(Locale.ROOT, "memory bandwidth: %.1f GB/s (the %.2f GB mapped vectors read as 64-bit words, "
                + "%d threads, best of two passes after one to load them); exact-scan bound %.1f ms per query%n", bandwidth / 1e9,
                data.rows * (double) data.dim * 4 / 1e9, Runtime.getRuntime().availableProcessors(), scanBoundMs);

        System.out.println("exact top-" + K + " of every query, outside the product (plain scan in double)...");
        List<Set<Integer>> truth = groundTruth(data, q);

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
                try (ServiceProcess search = ServiceProcess.start("search-service", config)) {
                    run(search.url(), backend, vectors, ids, data, q, truth, bandwidth, scanBoundMs,
                            dataDir.resolve("search-" + backend));
                }
            }
        }
    }

    /** One backend: import, wait for its approximate index, measure both modes. */
    static void run(String url, String backend, Path vectors, Path ids, Npy data, Npy q, List<Set<Integer>> truth,
                    double bandwidth, double scanBoundMs, Path searchDir) throws Exception {
        {
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
                line.putAll(measure(url, q, mode, truth));
                if (mode.equals("exact")) {
                    line.put("memoryBandwidthGBs", Math.round(bandwidth / 1e8) / 10.0);
                    line.put("scanBoundMs", Math.round(scanBoundMs * 10) / 10.0);
                }
                System.out.println(JSON.writeValueAsString(line));
            }
            System.out.printf(Locale.ROOT, "heap used at the end: %d MB%n", heapUsed(url) >> 20);
        }
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Latency percentiles and recall@50 of one mode over every query. */
    static Map<String, Object> measure(String url, Npy q, String mode, List<Set<Integer>> truth) throws Exception {
        // warm-up: the first queries map pages and compile
        for (int i = 0; i < Math.min(10, q.rows); i++) {
            query(url, q.row(i), mode);
        }
        double[] took = new double[q.rows];
        double[] http = new double[q.rows];
        double found = 0;
        Set<String> modes = new HashSet<>();
        for (int i = 0; i < q.rows; i++) {
            long t = System.nanoTime();
            JsonNode r = query(url, q.row(i), mode);
            http[i] = (System.nanoTime() - t) / 1e6;
            took[i] = r.get("tookMs").asDouble();
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
        return m;
    }

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
        double[] norms = new double[data.rows];
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

    /** Bytes per second of a sequential read of the mapped vectors on every core (second pass: data in memory). */
    static double bandwidth(Npy data) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        double best = 0;
        for (int pass = 0; pass < 3; pass++) {
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
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
            pool.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (pass > 0) {
                best = Math.max(best, data.rows * (double) data.dim * 4 / seconds);
            }
            sink = sum;
        }
        return best;
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

    /**
     * Clustered, non-negative vectors like pooled CNN features: 1,000 centres, each a sparse non-negative vector
     * (40% of the dimensions active, exponential magnitudes), rows = max(0, centre + Gaussian noise).
     */
    static void generate(Path file, int rows, int dim, long seed) throws IOException {
        Random centresRandom = new Random(7);
        int centres = 1000;
        float[][] c = new float[centres][dim];
        for (float[] centre : c) {
            for (int j = 0; j < dim; j++) {
                centre[j] = centresRandom.nextFloat() < 0.4 ? (float) -Math.log(1 - centresRandom.nextDouble()) : 0;
            }
        }
        Random random = new Random(seed);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + dim + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                (byte) (header.length() & 0xff), (byte) (header.length() >> 8)});
            out.write(header.getBytes(StandardCharsets.ISO_8859_1));
            ByteBuffer row = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < rows; i++) {
                float[] centre = c[random.nextInt(centres)];
                row.clear();
                for (int j = 0; j < dim; j++) {
                    row.putFloat(Math.max(0f, centre[j] + (float) (random.nextGaussian() * 0.35)));
                }
                out.write(row.array());
            }
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
                int rows = Integer.parseInt(m.group(1));
                int dim = Integer.parseInt(m.group(2));
                long offset = 10 + headerLength;
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

        /** Sums rows [from, to) as 64-bit words with four independent accumulators: a plain sequential read. */
        double sum(int from, int to) {
            long s0 = 0;
            long s1 = 0;
            long s2 = 0;
            long s3 = 0;
            int rowLongs = dim / 2;
            for (int r = from; r < to; r++) {
                java.nio.ByteBuffer chunk = chunks[r / rowsPerChunk];
                int base = (r % rowsPerChunk) * dim * 4;
                int i = 0;
                for (; i + 4 <= rowLongs; i += 4) {
                    s0 += chunk.getLong(base + i * 8);
                    s1 += chunk.getLong(base + i * 8 + 8);
                    s2 += chunk.getLong(base + i * 8 + 16);
                    s3 += chunk.getLong(base + i * 8 + 24);
                }
                for (; i < rowLongs; i++) {
                    s0 += chunk.getLong(base + i * 8);
                }
            }
            return (double) (s0 ^ s1 ^ s2 ^ s3);
        }
    }
}
