package org.convnetplayground.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.convnetplayground.onnx.gradient.GradientGraph;
import org.convnetplayground.onnx.gradient.GradientGraphs;
import org.convnetplayground.onnx.gradient.Objective;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.ServiceProcess;

/**
 * The gradient figures ({@code make bench-gradients}, separate from {@code make bench}):
 * <ol>
 *   <li>one input gradient (generated backward graph) against one forward pass to the same layer, batch 1, for
 *   early and late layers of four models: milliseconds and their ratio;</li>
 *   <li>one 224 x 224 feature visualisation of MobileNet v2 through the feature-service (256 steps, nothing cached):
 *   seconds (target below 60 s on this 2-core machine);</li>
 *   <li>the check that a visualisation excites its channel more than any image of caltech101-iconic200, at an
 *   early, a middle and a late layer of MobileNet v2, measured here: the channel's mean activation on the returned
 *   PNG (run through ONNX Runtime by this program) against the dataset's maximum (/channel-examples), and how much
 *   two channels' pictures differ.</li>
 * </ol>
 */
public final class GradientBench {

    static final int THREADS = Runtime.getRuntime().availableProcessors();
    static final String V2 = "mobilenet_v2_1.0_224";

    public static void main(String[] args) throws Exception {
        System.out.printf("ConvNet Playground gradient benchmark - %d cores, ONNX Runtime intra-op threads %d%n",
                THREADS, THREADS);
        List<String> rows = new ArrayList<>();
        for (String[] c : new String[][] {
            {V2, "expanded_conv_2_depthwise"}, {V2, "Conv2d_18"}, {"squeezenet1.1", "fire2"}, {"squeezenet1.1", "fire9"},
            {"tiny_darknet", "conv2"}, {"tiny_darknet", "conv14"}, {"inception_v3_mixed8", "mixed"},
            {"inception_v3_mixed8", "mixed_8"}}) {
            double[] t = gradientVersusForward(c[0], c[1]);
            System.out.printf("  %s at %s: forward %.1f ms, gradient %.1f ms%n", c[0], c[1], t[0], t[1]);
            rows.add(String.format("| gradient / forward, %s at %s (batch 1) | %.1f ms / %.1f ms = %.2f |", c[0], c[1],
                    t[1], t[0], t[1] / t[0]));
        }
        Path data = Files.createTempDirectory("cnp-bench-gradients");
        System.out.println("data dir " + data + "; starting services...");
        try (ServiceProcess catalog = ServiceProcess.start("model-catalog-service", Map.of(
                     "cnp.catalog.models-dir", Repo.models().toString(),
                     "cnp.catalog.data-dir", data.resolve("catalog").toString()));
             ServiceProcess features = ServiceProcess.start("feature-service", Map.of(
                     "cnp.features.datasets-dir", Repo.datasets().toString(),
                     "cnp.features.data-dir", data.resolve("features").toString(),
                     "cnp.features.inference.threads", Integer.toString(THREADS),
                     "quarkus.rest-client.catalog.url", catalog.url()))) {
            String api = features.url() + "/api/features";
            {
                // the first visualisation (graph generation and session loading included), then the checks
                String[][] checks = {{"expanded_conv_3_expand", "early"}, {"expanded_conv_10_expand", "middle"},
                    {"Conv2d_18", "late"}};
                List<String> checkRows = new ArrayList<>();
                for (String[] check : checks) {
                    String layer = check[0];
                    for (int channel : new int[] {5, 6}) {
                        Instant t0 = Instant.now();
                        JsonNode job = post(api + "/visualisations", Map.of("model", V2, "layer", layer,
                                "channel", channel));
                        JsonNode done = awaitJob(features.url() + job.get("job").asText());
                        double wall = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
                        if (rows.stream().noneMatch(r -> r.contains("feature visualisation"))) {
                            rows.add(String.format("| one feature visualisation, %s at %s channel %d, 224 x 224, 256 "
                                    + "steps, nothing cached (target < 60 s) | %.1f s (job), %.1f s wall |", V2, layer,
                                    channel, done.at("/result/seconds").asDouble(), wall));
                        }
                        byte[] png = bytes(features.url() + done.at("/result/image").asText());
                        try (OrtSession s = session(V2, layer)) {
                            double measured = channelMean(s, input(png), channel);
                            double maxOther = datasetMax(api, layer, channel);
                            checkRows.add(String.format("| %s (%s), channel %d | %.3f | %.3f | %s | %.1f s |", layer,
                                    check[1], channel, measured, maxOther, measured > maxOther ? "yes" : "NO",
                                    done.at("/result/seconds").asDouble()));
                            System.out.printf("  %s channel %d: picture %.3f, dataset max %.3f%n", layer, channel,
                                    measured, maxOther);
                        }
                    }
                    String a = api + "/visualisations";
                    double difference = pictureDifference(features.url(), a, layer);
                    checkRows.add(String.format("| %s: mean absolute difference of channels 5 and 6's pictures | %.3f "
                            + "(of 1) | | | |", layer, difference));
                }
                System.out.println();
                System.out.println("| figure | value |");
                System.out.println("|---|---|");
                rows.forEach(System.out::println);
                System.out.println();
                System.out.println("| layer, channel | channel mean on its picture | max over caltech101-iconic200 | "
                        + "picture higher | drawing time |");
                System.out.println("|---|---|---|---|---|");
                checkRows.forEach(System.out::println);
            }
        }
    }

    /** Milliseconds of one forward pass to the layer and of one gradient of a channel's mean there, batch 1. */
    static double[] gradientVersusForward(String modelId, String layer) throws Exception {
        OnnxModel model = OnnxModel.read(Repo.models().resolve(modelId).resolve("model.onnx"), Long.MAX_VALUE);
        int size = (int) model.graph().inputs().get(0).dim(2);
        long[] shape = {1, 3, size, size};
        GradientGraph g = GradientGraphs.generate(model, shape, Objective.ChannelMean.of(layer), List.of());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = options();
             OrtSession forward = env.createSession(model.withOutputs(List.of(layer)), options);
             OrtSession gradient = env.createSession(g.model(), options)) {
            float[] x = new float[3 * size * size];
            Random random = new Random(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat() * 2 - 1;
            }
            float[] w = new float[(int) g.objectiveInputSize()];
            w[0] = 1;
            try (OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OnnxTensor wt = OnnxTensor.createTensor(env, FloatBuffer.wrap(w), new long[] {w.length})) {
                Map<String, OnnxTensor> gIn = Map.of(g.input(), xt, GradientGraph.OBJECTIVE_WEIGHTS, wt);
                int reps = size > 224 ? 5 : 15;
                double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
                // alternate the two so that a busy machine slows both alike; keep each one's median of rounds
                List<Double> f = new ArrayList<>();
                List<Double> b = new ArrayList<>();
                for (int i = 0; i < reps + 2; i++) {
                    long t = System.nanoTime();
                    forward.run(Map.of(g.input(), xt)).close();
                    long u = System.nanoTime();
                    gradient.run(gIn, Set.of(GradientGraph.GRADIENT)).close();
                    long v = System.nanoTime();
                    if (i >= 2) {
                        f.add((u - t) / 1e6);
                        b.add((v - u) / 1e6);
                    }
                }
                f.sort(null);
                b.sort(null);
                best[0] = f.get(f.size() / 2);
                best[1] = b.get(b.size() / 2);
                return best;
            }
        }
    }

    static OrtSession.SessionOptions options() throws Exception {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(THREADS);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    static OrtSession session(String modelId, String layer) throws Exception {
        OnnxModel model = OnnxModel.read(Repo.models().resolve(modelId).resolve("model.onnx"), Long.MAX_VALUE);
        return OrtEnvironment.getEnvironment().createSession(model.withOutputs(List.of(layer)), options());
    }

    /** MobileNet v2's input from a 224 px picture: (p - 127.5) / 127.5, NCHW, no resizing. */
    static float[] input(byte[] png) throws Exception {
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));
        int size = picture.getWidth();
        float[] x = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int xx = 0; xx < size; xx++) {
                int rgb = picture.getRGB(xx, y);
                for (int c = 0; c < 3; c++) {
                    x[c * size * size + y * size + xx] = (((rgb >> (16 - 8 * c)) & 0xFF) - 127.5f) / 127.5f;
                }
            }
        }
        return x;
    }

    static double channelMean(OrtSession s, float[] x, int channel) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int size = (int) Math.round(Math.sqrt(x.length / 3.0));
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, size, size});
             OrtSession.Result r = s.run(Map.of("input", t))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            int positions = (int) (shape[2] * shape[3]);
            FloatBuffer b = out.getFloatBuffer();
            double sum = 0;
            for (int p = 0; p < positions; p++) {
                sum += b.get(channel * positions + p);
            }
            return sum / positions;
        }
    }

    /** The channel's highest mean activation over caltech101-iconic200, as the feature-service reports it. */
    static double datasetMax(String api, String layer, int channel) throws Exception {
        Map<String, Object> body = Map.of("dataset", "caltech101-iconic200", "model", V2, "layer", layer,
                "channel", channel, "k", 1);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(20));
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = Bench.HTTP.send(HttpRequest.newBuilder(URI.create(api + "/channel-examples"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Bench.JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return Bench.JSON.readTree(r.body()).at("/examples/0/activation").asDouble();
            }
            if (r.statusCode() != 202) {
                throw new IllegalStateException("channel-examples answered " + r.statusCode() + ": " + r.body());
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("channel examples not ready in 20 minutes");
    }

    /** Mean absolute pixel difference (0..1) between the cached pictures of channels 5 and 6. */
    static double pictureDifference(String base, String api, String layer) throws Exception {
        Map<Integer, byte[]> pictures = new HashMap<>();
        for (int channel : new int[] {5, 6}) {
            JsonNode job = post(api, Map.of("model", V2, "layer", layer, "channel", channel));
            JsonNode done = awaitJob(base + job.get("job").asText());
            pictures.put(channel, bytes(base + done.at("/result/image").asText()));
        }
        BufferedImage a = ImageIO.read(new ByteArrayInputStream(pictures.get(5)));
        BufferedImage b = ImageIO.read(new ByteArrayInputStream(pictures.get(6)));
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF)) / 255.0;
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    static JsonNode awaitJob(String url) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = get(url);
            String state = job.get("state").asText();
            if (state.equals("succeeded")) {
                return job;
            }
            if (!state.equals("queued") && !state.equals("running")) {
                throw new IllegalStateException("job ended " + state + ": " + job);
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the job did not finish in 30 minutes");
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = Bench.HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Bench.JSON.readTree(r.body());
    }

    static JsonNode post(String url, Object body) throws Exception {
        HttpResponse<String> r = Bench.HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Bench.JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return Bench.JSON.readTree(r.body());
    }

    static byte[] bytes(String url) throws Exception {
        HttpResponse<byte[]> r = Bench.HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
        return r.body();
    }
}
