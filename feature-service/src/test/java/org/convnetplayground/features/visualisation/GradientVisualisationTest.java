package org.convnetplayground.features.visualisation;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.features.FeatureTesting.API;
import static org.convnetplayground.features.FeatureTesting.CALTECH;
import static org.convnetplayground.features.FeatureTesting.TINY_MODEL;
import static org.convnetplayground.features.FeatureTesting.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.convnetplayground.features.CatalogService;
import org.convnetplayground.features.FeatureTesting;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gradient maps and feature visualisation through the HTTP API, checked from outside: the .npz gradient against
 * finite differences that this test computes with ONNX Runtime on the returned input; the drawn picture's channel
 * activation measured here on the PNG, against the dataset's strongest image for that channel.
 */
@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class GradientVisualisationTest {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    /** Where the service under test caches its pictures (%test data dir of application.properties). */
    private static final Path CACHE = Path.of("target/test-data/features/visualisations");
    private static final String EARLY = "Conv2d_3_pointwise";
    private static final String ELEPHANT_ID = "elephant/image_0001.jpg";

    /** Pictures cached by an earlier run would let the drawing go untested. */
    @BeforeAll
    static void forgetCachedPictures() throws Exception {
        if (Files.isDirectory(CACHE)) {
            try (Stream<Path> files = Files.list(CACHE)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    @Test
    void theNpzGradientAgreesWithFiniteDifferencesComputedHere() throws Exception {
        byte[] npz = given().multiPart("dataset", CALTECH).multiPart("imageId", ELEPHANT_ID)
                .multiPart("model", TINY_MODEL).multiPart("layer", EARLY).multiPart("channel", "5")
                .multiPart("format", "npz").post(API + "/gradients").then().statusCode(200)
                .header("X-Gradient-Method", "gradient").extract().asByteArray();
        Map<String, Npy> arrays = npz(npz);
        Npy input = arrays.get("input");
        Npy gradient = arrays.get("gradient");
        assertEquals(List.of(1L, 3L, 128L, 128L), input.shape());
        assertEquals(input.shape(), gradient.shape());
        float[] x = input.values();
        float[] g = gradient.values();
        try (OrtSession forward = session(TINY_MODEL, EARLY)) {
            Objective f = xx -> channelMean(forward, xx, 5, 32, 32 * 32);
            // directional derivatives along the gradient and along a random reweighting of it; steps shrink until
            // two central differences agree (no ReLU switching inside the step)
            Random random = new Random(3);
            double norm = Math.sqrt(dot(g, g));
            for (int trial = 0; trial < 2; trial++) {
                float[] d = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    d[i] = (float) (g[i] / norm * Math.sqrt(g.length) * (trial == 0 ? 1 : 2 * random.nextDouble()));
                }
                double analytic = dot(g, d);
                Double settled = null;
                double previous = Double.NaN;
                StringBuilder seen = new StringBuilder();
                for (double eps = 1e-3; eps > 1e-6 && settled == null; eps /= 4) {
                    double fd = (f.at(step(x, d, eps)) - f.at(step(x, d, -eps))) / (2 * eps);
                    seen.append(' ').append(fd);
                    if (Math.abs(fd - previous) <= 0.01 * Math.abs(fd)) {
                        settled = fd;
                    }
                    previous = fd;
                }
                assertNotNull(settled, "finite differences did not settle:" + seen);
                assertEquals(settled, analytic, 0.02 * Math.abs(settled), "directional derivative; fd" + seen);
            }
        }
    }

    @Test
    void everyMethodDrawsAPictureAtTheModelInputSize() {
        for (String method : List.of("gradient", "smoothgrad", "gradcam")) {
            Response r = given().multiPart("dataset", CALTECH).multiPart("imageId", ELEPHANT_ID)
                    .multiPart("referenceId", "llama/image_0002.jpg").multiPart("model", TINY_MODEL)
                    .multiPart("layer", "global_pool").multiPart("method", method).post(API + "/gradients");
            assertEquals(200, r.statusCode(), r.asString());
            assertEquals("image/png", r.contentType());
            assertEquals(method, r.header("X-Gradient-Method"));
            BufferedImage picture = FeatureTesting.decode(r.asByteArray());
            assertEquals(128, picture.getWidth());
            assertEquals(128, picture.getHeight());
            double similarity = Double.parseDouble(r.header("X-Gradient-Objective"));
            assertTrue(similarity > 0 && similarity < 1, "cosine similarity " + similarity);
            if (method.equals("gradcam")) {
                // global_pool has no spatial extent: the last spatial layer before it
                assertEquals("Conv2d_13_pointwise", r.header("X-Gradient-Cam-Layer"));
            }
        }
    }

    @Test
    void badGradientRequestsAreProblemsNamingTheValidChoices() {
        assertProblem(gradientRequest("channel", "32", "layer", EARLY), 400, "channel", "from 0 to 31");
        assertProblem(gradientRequest("channel", "-1", "layer", EARLY), 400, "from 0 to 31");
        assertProblem(gradientRequest("channel", "3", "layer", EARLY, "method", "saliency"), 400, "saliency",
                "gradient", "smoothgrad", "gradcam");
        assertProblem(gradientRequest("channel", "3", "layer", EARLY, "format", "jpeg"), 400, "png or npz");
        assertProblem(gradientRequest("channel", "3", "layer", "no_such_layer"), 404, "no_such_layer");
        assertProblem(gradientRequest("layer", EARLY), 400, "channel", "from 0 to 31");
        assertProblem(gradientRequest("channel", "3", "layer", "logits", "method", "gradcam", "camLayer", "global_pool"),
                400, "camLayer", "global_pool", "spatial");
    }

    @Test
    void aVisualisationExcitesItsChannelMoreThanAnyDatasetImageAndDiffersBetweenChannels() throws Exception {
        String layer = "Conv2d_5_pointwise";
        JsonPath first = awaitVisualisation(start(TINY_MODEL, layer, 3, 128));
        assertTrue(first.getDouble("result.seconds") > 0, "drawn now, not taken from a cache");
        JsonPath second = awaitVisualisation(start(TINY_MODEL, layer, 4, 128));
        byte[] a = given().get(first.getString("result.image")).then().statusCode(200).contentType("image/png")
                .extract().asByteArray();
        byte[] b = given().get(second.getString("result.image")).then().statusCode(200).extract().asByteArray();
        BufferedImage picture = FeatureTesting.decode(a);
        assertEquals(128, picture.getWidth());
        assertEquals(128, picture.getHeight());
        // measured here: the channel's mean activation on the PNG as the model sees it (no resizing needed)
        double drawn;
        try (OrtSession forward = session(TINY_MODEL, layer)) {
            drawn = channelMean(forward, input(picture), 3, 64, 16 * 16);
            double other = channelMean(forward, input(FeatureTesting.decode(b)), 3, 64, 16 * 16);
            assertTrue(drawn > other, "channel 3's picture excites channel 3 (" + drawn + ") more than channel 4's ("
                    + other + ")");
        }
        assertEquals(drawn, first.getDouble("result.activation"), 1e-3 * Math.abs(drawn), "the reported activation");
        JsonPath examples = FeatureTesting.await("channel examples", Duration.ofMinutes(3), () -> {
            Response r = given().contentType(ContentType.JSON).body(Map.of("dataset", CALTECH, "model", TINY_MODEL,
                    "layer", layer, "channel", 3, "k", 1)).post(API + "/channel-examples");
            return r.statusCode() == 200 ? r.jsonPath() : null;
        }, j -> j != null);
        double datasetMax = examples.getDouble("examples[0].activation");
        assertTrue(drawn > datasetMax, "the picture (" + drawn + ") excites channel 3 more than the dataset's best image ("
                + datasetMax + ")");
        // asked again: from the cache, at once
        JsonPath again = awaitVisualisation(start(TINY_MODEL, layer, 3, 128));
        assertEquals(first.getString("result.image"), again.getString("result.image"));
        assertEquals(0.0, again.getDouble("result.seconds"));
        assertNotEquals(first.getString("result.image"), second.getString("result.image"));
    }

    @Test
    void anOverviewFillsInChannelByChannel() {
        Response started = given().contentType(ContentType.JSON).body(Map.of("model", TINY_MODEL, "layer", EARLY,
                "first", 3, "steps", 4)).post(API + "/visualisations/overview");
        assertEquals(202, started.statusCode(), started.asString());
        assertEquals(3, started.jsonPath().getList("result.channels").size());
        String url = started.jsonPath().getString("job");
        JsonPath done = FeatureTesting.await("overview", Duration.ofMinutes(3), () -> given().get(url).jsonPath(),
                j -> !List.of("queued", "running").contains(j.getString("state")));
        assertEquals("succeeded", done.getString("state"), done.prettify());
        assertEquals(List.of(0, 1, 2), done.getList("result.channels.channel", Integer.class));
        assertEquals(3, done.getInt("result.done"));
        for (String image : done.getList("result.channels.image", String.class)) {
            given().get(image).then().statusCode(200).contentType("image/png");
        }
    }

    @Test
    void badVisualisationRequestsAreProblemsNamingTheValidRange() {
        assertProblem(post(Map.of("model", TINY_MODEL, "layer", EARLY, "channel", 32)), 400, "from 0 to 31");
        assertProblem(post(Map.of("model", TINY_MODEL, "layer", EARLY, "channel", 1, "steps", 0)), 400, "steps",
                "from 1 to 1024");
        assertProblem(post(Map.of("model", TINY_MODEL, "layer", EARLY, "channel", 1, "steps", 5000)), 400, "from 1 to 1024");
        assertProblem(post(Map.of("model", TINY_MODEL, "layer", "nope", "channel", 1)), 404, "nope");
        assertProblem(post(Map.of("model", "nope", "layer", EARLY, "channel", 1)), 404, "nope");
        assertProblem(post(Map.of("model", TINY_MODEL, "layer", EARLY)), 400, "channel");
        assertProblem(given().contentType(ContentType.JSON).body(Map.of("model", TINY_MODEL, "layer", EARLY,
                "first", 100)).post(API + "/visualisations/overview"), 400, "first", "from 1 to 32");
        assertProblem(given().get(API + "/visualisations/images/..%2F..%2Fetc"), 404);
        assertProblem(given().get(API + "/visualisations/not-a-job"), 404, "not-a-job");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Response gradientRequest(String... fields) {
        var spec = given().multiPart("dataset", CALTECH).multiPart("imageId", ELEPHANT_ID).multiPart("model", TINY_MODEL);
        for (int i = 0; i < fields.length; i += 2) {
            spec = spec.multiPart(fields[i], fields[i + 1]);
        }
        return spec.post(API + "/gradients");
    }

    private static Response post(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post(API + "/visualisations");
    }

    private static String start(String model, String layer, int channel, int steps) {
        Response r = post(Map.of("model", model, "layer", layer, "channel", channel, "steps", steps));
        assertEquals(202, r.statusCode(), r.asString());
        return r.jsonPath().getString("job");
    }

    private static JsonPath awaitVisualisation(String url) {
        JsonPath done = FeatureTesting.await("visualisation", Duration.ofMinutes(3), () -> given().get(url).jsonPath(),
                j -> !List.of("queued", "running").contains(j.getString("state")));
        assertEquals("succeeded", done.getString("state"), done.prettify());
        return done;
    }

    private interface Objective {
        double at(float[] x) throws Exception;
    }

    private static OrtSession session(String model, String layer) throws Exception {
        OnnxModel onnx = OnnxModel.read(Repo.models().resolve(model).resolve("model.onnx"), Long.MAX_VALUE);
        return ENV.createSession(onnx.withOutputs(List.of(layer)), new OrtSession.SessionOptions());
    }

    /** The channel's mean over the layer's positions (NCHW), summed in double. */
    private static double channelMean(OrtSession session, float[] x, int channel, int channels, int positions)
            throws Exception {
        try (OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), new long[] {1, 3, 128, 128});
             OrtSession.Result r = session.run(Map.of("input", t))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            assertEquals(channels * positions, out.remaining());
            double s = 0;
            for (int p = 0; p < positions; p++) {
                s += out.get(channel * positions + p);
            }
            return s / positions;
        }
    }

    /** A 128 px RGB picture as mobilenet_v1's input: (p - 127.5) / 127.5, NCHW. */
    private static float[] input(BufferedImage picture) {
        float[] x = new float[3 * 128 * 128];
        for (int y = 0; y < 128; y++) {
            for (int xx = 0; xx < 128; xx++) {
                int rgb = picture.getRGB(xx, y);
                for (int c = 0; c < 3; c++) {
                    x[c * 128 * 128 + y * 128 + xx] = (((rgb >> (16 - 8 * c)) & 0xFF) - 127.5f) / 127.5f;
                }
            }
        }
        return x;
    }

    private static float[] step(float[] x, float[] d, double eps) {
        float[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            out[i] += (float) (eps * d[i]);
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private record Npy(List<Long> shape, float[] values) {
    }

    /** Reads a .npz of float32 arrays written as numpy does (format 1.0). */
    private static Map<String, Npy> npz(byte[] bytes) throws Exception {
        Map<String, Npy> out = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] data = zip.readAllBytes();
                ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals((byte) 0x93, b.get());
                byte[] magic = new byte[5];
                b.get(magic);
                assertEquals("NUMPY", new String(magic, StandardCharsets.US_ASCII));
                b.get();
                b.get();
                int headerLength = b.getShort() & 0xFFFF;
                byte[] header = new byte[headerLength];
                b.get(header);
                String h = new String(header, StandardCharsets.US_ASCII);
                assertTrue(h.contains("'descr': '<f4'") && h.contains("'fortran_order': False"), h);
                assertEquals(0, (10 + headerLength) % 64, "header alignment");
                String dims = h.substring(h.indexOf("'shape': (") + 10, h.indexOf(')'));
                List<Long> shape = java.util.Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .map(Long::parseLong).toList();
                float[] values = new float[b.remaining() / 4];
                b.asFloatBuffer().get(values);
                assertEquals(shape.stream().reduce(1L, (p, q) -> p * q), (long) values.length);
                out.put(e.getName().replace(".npy", ""), new Npy(shape, values));
            }
        }
        assertEquals(Set.of("input", "gradient"), out.keySet());
        return out;
    }
}
