package org.convnetplayground.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.ServiceProcess;

/**
 * The figures {@code make bench} prints, measured side by side in one run on this machine:
 * <ol>
 *   <li>raw ONNX Runtime throughput of MobileNet v2 on random input (same threads, same batch as the service);</li>
 *   <li>throughput of a full extraction job of tinyimagenet-val4000 (4,000 JPEGs) through the services;</li>
 *   <li>their ratio (raw throughput measured before and after the job, averaged, to bracket drift);</li>
 *   <li>p50/p95 latency of a cached top-50 query over the resulting 4,000 vectors.</li>
 * </ol>
 */
public final class Bench {

    static final String MODEL = "mobilenet_v2_1.0_224";
    static final String DATASET = "tinyimagenet-val4000";
    static final String LAYER = "global_pool";
    static final int THREADS = Runtime.getRuntime().availableProcessors();
    static final int BATCH = 16;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("cnp-bench");
        System.out.printf("ConvNet Playground benchmark - %d cores, batch %d, ONNX Runtime intra-op threads %d%n",
                THREADS, BATCH, THREADS);
        System.out.println("data dir " + data + "; starting services...");
        try (ServiceProcess catalog = ServiceProcess.start("model-catalog-service", Map.of(
                     "cnp.catalog.models-dir", Repo.models().toString(),
                     "cnp.catalog.data-dir", data.resolve("catalog").toString()));
             ServiceProcess features = ServiceProcess.start("feature-service", Map.of(
                     "cnp.features.datasets-dir", Repo.datasets().toString(),
                     "cnp.features.data-dir", data.resolve("features").toString(),
                     "cnp.features.inference.threads", Integer.toString(THREADS),
                     "cnp.features.inference.batch-size", Integer.toString(BATCH),
                     "quarkus.rest-client.catalog.url", catalog.url()));
             ServiceProcess search = ServiceProcess.start("search-service", Map.of(
                     "cnp.search.data-dir", data.resolve("search").toString(),
                     "cnp.search.warm-up", "",
                     "quarkus.rest-client.features.url", features.url(),
                     "quarkus.rest-client.catalog.url", catalog.url()))) {

            // where the feature-service runs models (CNP_FEATURES_INFERENCE_DEVICE is passed on to it): the raw engine
            // below always runs on the CPU, so on a GPU the job / raw ratio compares two devices
            JsonNode info = get(features.url() + "/api/features/info");
            String device = info.path("device").asText();
            System.out.printf("feature-service device: %s (%s); providers %s; batch %d, %d decode threads%n", device,
                    info.path("deviceReason").asText(), info.path("executionProviders"), info.path("batchSize").asInt(),
                    info.path("decodeThreads").asInt());

            // the raw engine two ways: ONNX Runtime's defaults (worker threads spin) and the service's options
            // (no spinning); the job is compared with the faster, measured before and after it
            double spinBefore = rawOnnxRuntime(30, true);
            double quietBefore = rawOnnxRuntime(30, false);
            System.out.printf("raw ONNX Runtime (before):  %7.1f images/s spinning, %7.1f images/s not spinning%n",
                    spinBefore, quietBefore);

            Instant t0 = Instant.now();
            JsonNode job = post(search.url() + "/api/search/collections",
                    Map.of("dataset", DATASET, "model", MODEL, "layers", List.of(LAYER)));
            JsonNode done = await(search.url() + job.get("job").asText());
            double wall = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
            double jobRate = done.at("/result/imagesPerSecond").asDouble();
            int size = done.at("/result/size").asInt();
            System.out.printf("extraction job (%d images): %7.1f images/s (feature job), %.1f s wall incl. storing%n",
                    size, jobRate, wall);

            double spinAfter = rawOnnxRuntime(30, true);
            double quietAfter = rawOnnxRuntime(30, false);
            System.out.printf("raw ONNX Runtime (after):   %7.1f images/s spinning, %7.1f images/s not spinning%n",
                    spinAfter, quietAfter);
            double spin = (spinBefore + spinAfter) / 2;
            double quiet = (quietBefore + quietAfter) / 2;
            double raw = Math.max(spin, quiet);

            double[] latency = queryLatency(search.url(), 1000);
            double[] evaluation = evaluationTime(search.url());
            System.out.println();
            System.out.println("| figure | value |");
            System.out.println("|---|---|");
            System.out.printf("| feature-service inference device | %s (ONNX Runtime %s; %s) |%n", device,
                    info.path("onnxRuntimeVersion").asText(), info.path("deviceReason").asText());
            System.out.printf("| raw ONNX Runtime, %s, random input, batch %d, %d threads, ORT defaults (spinning) | %.1f images/s |%n",
                    MODEL, BATCH, THREADS, spin);
            System.out.printf("| same, the service's session options (no spinning) | %.1f images/s |%n", quiet);
            System.out.printf("| full extraction job, %s (%d JPEGs, decode+resize+infer+pool) | %.1f images/s |%n",
                    DATASET, size, jobRate);
            System.out.printf("| job / faster raw engine (target >= 0.8) | %.2f |%n", jobRate / raw);
            System.out.printf("| cached top-50 cosine query over %d x 1280 vectors, HTTP round trip p50 / p95 | %.2f ms / %.2f ms |%n",
                    size, latency[0], latency[1]);
            System.out.printf("| same, ranking inside the service p50 / p95 | %.2f ms / %.2f ms |%n", latency[2], latency[3]);
            System.out.printf("| evaluation of the %d-vector collection under cosine (all %d queries, exact distances, %d threads) | %.1f s (%.1f s wall incl. polling); mAP %.3f |%n",
                    size, size, THREADS, evaluation[0], evaluation[1], evaluation[2]);
        }
    }

    /** Images per second of the unmodified model on random input, after a warm-up. */
    static double rawOnnxRuntime(int batches, boolean spinning) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] model = Files.readAllBytes(Repo.models().resolve(MODEL).resolve("model.onnx"));
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(THREADS);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            try (OrtSession session = env.createSession(model, options)) {
                float[] input = new float[BATCH * 3 * 224 * 224];
                Random random = new Random(1);
                for (int i = 0; i < input.length; i++) {
                    input[i] = random.nextFloat() * 2 - 1;
                }
                long[] shape = {BATCH, 3, 224, 224};
                for (int i = 0; i < 3; i++) {
                    run(env, session, input, shape);
                }
                long start = System.nanoTime();
                for (int i = 0; i < batches; i++) {
                    run(env, session, input, shape);
                }
                return batches * BATCH / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    private static void run(OrtEnvironment env, OrtSession session, float[] input, long[] shape) throws Exception {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = session.run(Map.of("input", x))) {
            if (r.size() == 0) {
                throw new IllegalStateException("no output");
            }
        }
    }

    /** Seconds the service reports for evaluating the whole collection, seconds of wall time, and the mAP. */
    static double[] evaluationTime(String searchUrl) throws Exception {
        String url = searchUrl + "/api/search/evaluation?dataset=" + DATASET + "&model=" + MODEL + "&layer=" + LAYER
                + "&metric=cosine";
        long start = System.nanoTime();
        JsonNode r = get(url);
        if (r.has("job")) {
            await(searchUrl + r.get("job").asText());
            r = get(url);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new double[] {r.get("seconds").asDouble(), wall, r.get("map").asDouble()};
    }

    /** Client-side and server-side latency percentiles (p50, p95) of top-50 queries with random query images. */
    static double[] queryLatency(String searchUrl, int queries) throws Exception {
        JsonNode items = get(searchUrl + "/api/search/collections/" + DATASET + "/" + MODEL + "/" + LAYER + "/items?limit=100000");
        List<String> ids = new ArrayList<>();
        items.get("items").forEach(i -> ids.add(i.get("id").asText()));
        Random random = new Random(7);
        for (int i = 0; i < 100; i++) {
            query(searchUrl, ids.get(random.nextInt(ids.size())));
        }
        double[] client = new double[queries];
        double[] server = new double[queries];
        for (int i = 0; i < queries; i++) {
            long t = System.nanoTime();
            JsonNode r = query(searchUrl, ids.get(random.nextInt(ids.size())));
            client[i] = (System.nanoTime() - t) / 1e6;
            server[i] = r.get("tookMs").asDouble();
        }
        Arrays.sort(client);
        Arrays.sort(server);
        return new double[] {client[queries / 2], client[(int) (queries * 0.95)], server[queries / 2],
                server[(int) (queries * 0.95)]};
    }

    private static JsonNode query(String searchUrl, String id) throws Exception {
        JsonNode r = post(searchUrl + "/api/search/query", Map.of("dataset", DATASET, "model", MODEL, "layer", LAYER,
                "metric", "cosine", "k", 50, "queryId", id));
        if (r.get("hits") == null || r.get("hits").size() != 50) {
            throw new IllegalStateException("unexpected answer: " + r);
        }
        return r;
    }

    /** Polls a job of the services until it succeeds (or fails: an exception), printing its progress. */
    static JsonNode await(String jobUrl) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
        double reported = -1;
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = get(jobUrl);
            String state = job.get("state").asText();
            if (state.equals("succeeded")) {
                return job;
            }
            if (!state.equals("queued") && !state.equals("running")) {
                throw new IllegalStateException("job ended " + state + ": " + job);
            }
            double progress = job.get("progress").asDouble();
            if (progress - reported >= 0.25) {
                System.out.printf("  extraction %3.0f%% (%s)%n", progress * 100, job.path("message").asText());
                reported = progress;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the job did not finish in 30 minutes");
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    static JsonNode post(String url, Object body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
