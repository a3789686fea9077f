package org.convnetplayground.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.ServiceProcess;

/**
 * {@code make bench-spark}: the Spark extraction job (spark-extract, run as {@code make extract-spark} runs it, in
 * local[2]) side by side with the feature-service's extraction job on the same machine in the same run, alternating
 * so that both see the same load, and the Spark vectors checked against the feature-service's on every image of
 * caltech101-iconic200 (MobileNet v2, global_pool). Each job's own figure is compared: images over the time from its
 * first image to its last vector, the model's session already loaded and the service's or Spark's start excluded.
 */
public final class SparkBench {

    static final String MODEL = "mobilenet_v2_1.0_224";
    static final String LAYER = "global_pool";
    static final String CHECKED = "caltech101-iconic200";
    /** The timed dataset (DATASET=, a folder of ../shared/datasets); tinyimagenet-val4000 by default. */
    static final String TIMED = env("DATASET", "tinyimagenet-val4000");
    /** Timed rounds of each job (ROUNDS=); 2 by default. */
    static final int ROUNDS = Integer.parseInt(env("ROUNDS", "2"));
    private static final Pattern FIGURE = Pattern.compile("in ([0-9.]+) s = ([0-9.]+) images/s");

    private SparkBench() {
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("cnp-bench-spark");
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("Spark extraction benchmark - %d cores; data dir %s; starting services...%n", cores, data);
        try (ServiceProcess catalog = ServiceProcess.start("model-catalog-service", Map.of(
                     "cnp.catalog.models-dir", Repo.models().toString(),
                     "cnp.catalog.data-dir", data.resolve("catalog").toString()));
             ServiceProcess features = ServiceProcess.start("feature-service", Map.of(
                     "cnp.features.datasets-dir", Repo.datasets().toString(),
                     "cnp.features.data-dir", data.resolve("features").toString(),
                     "quarkus.rest-client.catalog.url", catalog.url()))) {
            JsonNode info = Bench.get(features.url() + "/api/features/info");
            System.out.printf("feature-service (its defaults): %s, batch %d, %d decode threads, %d ONNX Runtime "
                            + "threads; Spark: local[2], batch 16, 1 ONNX Runtime thread per task%n",
                    info.path("device").asText(), info.path("batchSize").asInt(), info.path("decodeThreads").asInt(),
                    info.path("inferenceThreads").asInt());

            // agreement on every image, which also loads the model in both (a cached session for the timed runs)
            JsonNode reference = featureJob(features.url(), CHECKED);
            Map<String, float[]> expected = featureVectors(features.url(), reference);
            Path checked = data.resolve("spark-" + CHECKED);
            spark(CHECKED, checked);
            Agreement agreement = agreement(expected, checked);
            System.out.printf(Locale.ROOT, "agreement on %s (%s, %s): %d images, lowest cosine similarity %.7f (%s), "
                            + "%d below 0.9999%n", CHECKED, MODEL, LAYER, agreement.images, agreement.lowest,
                    agreement.lowestId, agreement.below);

            List<double[]> rounds = new ArrayList<>();
            for (int r = 1; r <= ROUNDS; r++) {
                JsonNode job = featureJob(features.url(), TIMED);
                double feature = job.at("/result/imagesPerSecond").asDouble();
                System.out.printf(Locale.ROOT, "round %d: feature-service job %.1f images/s (%d images in %.1f s)%n", r,
                        feature, job.at("/result/items").size(), job.at("/result/seconds").asDouble());
                double[] spark = spark(TIMED, data.resolve("spark-" + TIMED + "-" + r));
                System.out.printf(Locale.ROOT, "round %d: Spark job local[2]  %.1f images/s (%.1f s)%n", r, spark[1],
                        spark[0]);
                rounds.add(new double[] {feature, spark[1]});
            }
            double feature = rounds.stream().mapToDouble(x -> x[0]).average().orElseThrow();
            double sparkRate = rounds.stream().mapToDouble(x -> x[1]).average().orElseThrow();
            System.out.println();
            System.out.println("| figure | value |");
            System.out.println("|---|---|");
            System.out.printf(Locale.ROOT, "| feature-service extraction job, %s, %s %s (mean of %d) | %.1f images/s "
                    + "(%s) |%n", TIMED, MODEL, LAYER, ROUNDS, feature, range(rounds, 0));
            System.out.printf(Locale.ROOT, "| Spark job, local[2], same images, model and layer (mean of %d) | %.1f "
                    + "images/s (%s) |%n", ROUNDS, sparkRate, range(rounds, 1));
            System.out.printf(Locale.ROOT, "| Spark / feature-service (target >= 0.8) | %.2f |%n", sparkRate / feature);
            System.out.printf(Locale.ROOT, "| Spark vs feature-service vectors, every image of %s: lowest cosine "
                    + "(target >= 0.9999) | %.7f (%d of %d below) |%n", CHECKED, agreement.lowest, agreement.below,
                    agreement.images);
        }
    }

    private static String range(List<double[]> rounds, int k) {
        double lo = rounds.stream().mapToDouble(x -> x[k]).min().orElseThrow();
        double hi = rounds.stream().mapToDouble(x -> x[k]).max().orElseThrow();
        return String.format(Locale.ROOT, "%.1f-%.1f", lo, hi);
    }

    /** Runs {@code make extract-spark}'s script on a shared dataset; returns [seconds, images/s] as the job prints. */
    static double[] spark(String dataset, Path out) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Repo.dir().resolve("scripts/extract-spark.sh").toString())
                .directory(Repo.dir().toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("CNP_SKIP_BUILD", "1");
        env.put("DATASET_DIR", Repo.datasets().resolve(dataset).toString());
        env.put("MODEL_DIR", Repo.models().resolve(MODEL).toString());
        env.put("LAYER", LAYER);
        env.put("OUT", out.toString());
        env.put("MASTER", "local[2]");
        env.put("EXTRA", "--progress-seconds 10");
        Process p = pb.start();
        double[] figure = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.contains("spark-extract:") && line.contains("vectors of")) {
                    Matcher m = FIGURE.matcher(line);
                    if (m.find()) {
                        figure = new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
                    }
                }
                if (line.startsWith("spark-extract:") && !line.contains("images done")) {
                    System.out.println("  " + line);
                }
            }
        }
        int code = p.waitFor();
        if (code != 0 || figure == null) {
            throw new IllegalStateException("the Spark job on " + dataset + " exited " + code + " without its figures");
        }
        return figure;
    }

    /** Runs the feature-service's extraction job over a dataset and waits for it. */
    static JsonNode featureJob(String url, String dataset) throws Exception {
        JsonNode job = Bench.post(url + "/api/features/extractions",
                Map.of("dataset", dataset, "model", MODEL, "layers", List.of(LAYER)));
        return Bench.await(url + job.path("job").asText());
    }

    /** The feature-service's vectors of a finished job, by image id. */
    static Map<String, float[]> featureVectors(String url, JsonNode job) throws Exception {
        HttpResponse<byte[]> r = Bench.HTTP.send(HttpRequest.newBuilder(URI.create(url + job.path("job").asText()
                + "/vectors?layer=" + LAYER)).build(), HttpResponse.BodyHandlers.ofByteArray());
        int dim = Integer.parseInt(r.headers().firstValue("X-Vector-Dimension").orElseThrow());
        ByteBuffer b = ByteBuffer.wrap(r.body()).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, float[]> out = new HashMap<>();
        for (JsonNode item : job.at("/result/items")) {
            float[] v = new float[dim];
            b.asFloatBuffer().get(v);
            b.position(b.position() + dim * Float.BYTES);
            out.put(item.path("id").asText(), v);
        }
        return out;
    }

    record Agreement(int images, double lowest, String lowestId, int below) {
    }

    /** Cosine similarity per image between the feature-service's vectors and the Spark job's vectors.npy. */
    static Agreement agreement(Map<String, float[]> expected, Path out) throws IOException {
        List<String> ids = Files.readAllLines(out.resolve("ids.txt"), StandardCharsets.UTF_8).stream()
                .map(l -> l.split("\t", 2)[0]).toList();
        byte[] npy = Files.readAllBytes(out.resolve("vectors.npy"));
        int headerLength = (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8;
        ByteBuffer b = ByteBuffer.wrap(npy, 10 + headerLength, npy.length - 10 - headerLength).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        if (ids.size() != expected.size()) {
            throw new IllegalStateException("Spark has " + ids.size() + " vectors, the feature-service "
                    + expected.size());
        }
        // rounding can put a cosine a hair above 1: the lowest starts above any, so it always names an image
        double lowest = Double.POSITIVE_INFINITY;
        String lowestId = null;
        int below = 0;
        for (String id : ids) {
            float[] e = expected.get(id);
            if (e == null) {
                throw new IllegalStateException("the feature-service has no vector for '" + id + "'");
            }
            float[] s = new float[e.length];
            b.asFloatBuffer().get(s);
            b.position(b.position() + s.length * Float.BYTES);
            double dot = 0;
            double ne = 0;
            double ns = 0;
            for (int i = 0; i < s.length; i++) {
                dot += (double) e[i] * s[i];
                ne += (double) e[i] * e[i];
                ns += (double) s[i] * s[i];
            }
            double cosine = dot / Math.sqrt(ne * ns);
            if (cosine < lowest) {
                lowest = cosine;
                lowestId = id;
            }
            below += cosine < 0.9999 ? 1 : 0;
        }
        return new Agreement(ids.size(), lowest, lowestId, below);
    }
}
