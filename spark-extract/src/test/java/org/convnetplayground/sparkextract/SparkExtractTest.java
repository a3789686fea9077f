package org.convnetplayground.sparkextract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.convnetplayground.inference.Pooling;
import org.convnetplayground.inference.image.ImageCodec;
import org.convnetplayground.inference.image.PreprocessingSpec;
import org.convnetplayground.inference.onnx.InferenceEngine;
import org.convnetplayground.inference.onnx.LayerOutput;
import org.convnetplayground.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job in local[2] on the real caltech101-iconic200 images and the tiny MobileNet v1 of ../shared: its
 * vectors are the feature-service's (computed here with the same library, one image per forward pass, as the
 * feature-service's embedding endpoint does), unusable files are listed and not fatal, and the output files have the
 * format the search-service imports: the job imports them into the packaged search-service, which then answers
 * queries on the collection.
 */
class SparkExtractTest {

    private static final Path SHARED = Path.of(System.getProperty("cnp.shared.dir", "../../shared"))
            .toAbsolutePath().normalize();
    private static final Path CALTECH = SHARED.resolve("datasets/caltech101-iconic200");
    private static final Path TINY_MODEL = SHARED.resolve("models/mobilenet_v1_0.25_128");
    private static final String LAYER = "global_pool";

    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2]").appName("spark-extract test")
                .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static SparkExtract.Result run(String... args) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SparkExtract.Result result = SparkExtract.run(spark, JobOptions.parse(args),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertTrue(text.contains("images done"), "progress was printed: " + text);
        return result;
    }

    @Test
    void everyImageGetsTheFeatureServicesVector(@TempDir Path out, @TempDir Path searchData) throws Exception {
        SparkExtract.Result result;
        JsonNode hits;
        // the search-service alone: an imported collection needs no feature-service to be searched
        try (ServiceProcess search = ServiceProcess.start("search-service", Map.of(
                "cnp.search.data-dir", searchData.toString(),
                "cnp.search.warm-up", "",
                "quarkus.rest-client.features.url", "http://127.0.0.1:" + ServiceProcess.freePort()))) {
            result = run("--images", CALTECH.toString(), "--model-dir", TINY_MODEL.toString(), "--layer", LAYER,
                    "--out", out.toString(), "--search-url", search.url(), "--dataset", "caltech-by-spark");
            hits = query(search.url(), "caltech-by-spark", TINY_MODEL.getFileName().toString(), "elephant/image_0001.jpg");
        }
        Map<String, String> expectedLabels = imagesOf(CALTECH);
        assertEquals(expectedLabels.size(), result.images(), "every image of the dataset became a vector");
        assertEquals(0, result.failed());
        assertEquals(256, result.dimension());

        List<String[]> ids = idsFile(out);
        assertEquals(new ArrayList<>(expectedLabels.keySet()), ids.stream().map(l -> l[0]).toList(),
                "ids.txt: every image id, in id order");
        for (String[] line : ids) {
            assertEquals(expectedLabels.get(line[0]), line[1], "label of " + line[0]);
        }
        float[][] vectors = npy(out.resolve("vectors.npy"), ids.size(), 256);
        assertEquals(List.of(), Files.readAllLines(out.resolve("failures.tsv")), "nothing failed");

        // the feature-service's code, called directly: one image, one forward pass, as /api/features/embed does
        JobModel model = JobModel.fromFolder(TINY_MODEL);
        PreprocessingSpec spec = model.preprocessing();
        ImageCodec codec = new ImageCodec(26_214_400, 50_000_000);
        double worst = 1;
        String worstId = null;
        try (InferenceEngine engine = InferenceEngine.builder().build();
             InferenceEngine.Runner runner = engine.open(model.sha256(), model.file(), model.inputName(),
                     List.of(LAYER))) {
            FloatBuffer input = ByteBuffer.allocateDirect(spec.floatsPerImage() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i)[0];
                codec.preprocess(Files.readAllBytes(CALTECH.resolve(id)), id, spec, input, 0);
                LayerOutput o = runner.run(input, spec.tensorShape(1)).get(LAYER);
                float[] expected = new float[256];
                Pooling.AVG.pool(o.shape(), o.data(), 0, spec.channelsLast(), expected);
                double cosine = cosine(expected, vectors[i]);
                if (cosine < worst) {
                    worst = cosine;
                    worstId = id;
                }
            }
        }
        assertTrue(worst >= 0.9999, "every image's cosine similarity to the feature-service's vector >= 0.9999; "
                + "lowest " + worst + " for " + worstId);

        // the imported collection answers queries: an elephant's nearest images, ranked by the Spark vectors
        JsonNode results = hits.path("hits");
        assertEquals(10, results.size(), hits.toString());
        int elephants = 0;
        for (JsonNode hit : results) {
            assertTrue(expectedLabels.containsKey(hit.path("id").asText()), "a hit is an image of the dataset: " + hit);
            assertTrue(!hit.path("id").asText().equals("elephant/image_0001.jpg"), "the query itself is left out");
            elephants += "elephant".equals(hit.path("label").asText()) ? 1 : 0;
        }
        assertTrue(elephants >= 3, "an elephant's nearest images are mostly elephants: " + results);

        // the Parquet rows are the same vectors, ids and labels
        List<Row> rows = spark.read().parquet(out.resolve("parquet").toString()).orderBy("id").collectAsList();
        assertEquals(ids.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(ids.get(i)[0], rows.get(i).getString(0));
            assertEquals(ids.get(i)[1], rows.get(i).getString(1));
            List<Float> v = rows.get(i).getList(2);
            float[] fromParquet = new float[v.size()];
            for (int k = 0; k < fromParquet.length; k++) {
                fromParquet[k] = v.get(k);
            }
            assertArrayEquals(vectors[i], fromParquet, "parquet and npy row " + i);
        }
    }

    @Test
    void unusableFilesAreListedAndTheRestExtracted(@TempDir Path images, @TempDir Path out) throws Exception {
        List<Path> real;
        try (Stream<Path> s = Files.list(CALTECH.resolve("elephant"))) {
            real = s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(3).toList();
        }
        Files.createDirectories(images.resolve("elephant"));
        Files.createDirectories(images.resolve("broken"));
        Files.createDirectories(images.resolve(".hidden"));
        for (Path p : real) {
            Files.copy(p, images.resolve("elephant").resolve(p.getFileName()));
        }
        byte[] jpeg = Files.readAllBytes(real.get(0));
        Files.write(images.resolve("broken/empty.jpg"), new byte[0]);
        Files.writeString(images.resolve("broken/words.png"), "not a picture at all");
        Files.write(images.resolve("broken/truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.write(images.resolve("broken/huge.jpg"), new byte[300_001]);
        Files.writeString(images.resolve("broken/notes.txt"), "not an image name: left out");
        Files.write(images.resolve(".hidden/copy.jpg"), jpeg);
        Files.write(images.resolve("top.jpg"), jpeg);

        SparkExtract.Result result = run("--images", images.toString(), "--model-dir", TINY_MODEL.toString(),
                "--layer", LAYER, "--pooling", "max", "--out", out.toString(), "--max-image-bytes", "300000");
        assertEquals(4, result.images(), "three elephants and the image at the top");
        assertEquals(4, result.failed());

        Map<String, String> failures = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("failures.tsv"))) {
            String[] f = line.split("\t", -1);
            assertEquals(2, f.length, "id<TAB>reason: " + line);
            failures.put(f[0], f[1]);
        }
        assertEquals(List.of("broken/empty.jpg", "broken/huge.jpg", "broken/truncated.jpg", "broken/words.png"),
                new ArrayList<>(failures.keySet()));
        assertTrue(failures.get("broken/empty.jpg").contains("is empty"), failures.toString());
        assertTrue(failures.get("broken/huge.jpg").contains("300001 bytes; the limit is 300000"), failures.toString());
        assertTrue(failures.get("broken/truncated.jpg").contains("corrupt or truncated"), failures.toString());
        assertTrue(failures.get("broken/words.png").contains("not an image in a supported format"),
                failures.toString());

        List<String[]> ids = idsFile(out);
        List<String> expected = new ArrayList<>();
        for (Path p : real) {
            expected.add("elephant/" + p.getFileName());
        }
        expected.add("top.jpg");
        assertEquals(expected, ids.stream().map(l -> l[0]).toList());
        assertNull(ids.get(3)[1], "an image at the top has no label");
        float[][] vectors = npy(out.resolve("vectors.npy"), 4, 256);
        assertTrue(cosine(vectors[0], vectors[3]) >= 0.99999, "the same picture gives the same vector");
    }

    @Test
    void badRequestsStopTheJobNamingTheChoices(@TempDir Path out) {
        JobFailure layer = assertThrows(JobFailure.class, () -> run("--images", CALTECH.toString(), "--model-dir",
                TINY_MODEL.toString(), "--layer", "conv9", "--out", out.toString()));
        assertTrue(layer.getMessage().startsWith("unknown layer 'conv9' for model 'mobilenet_v1_0.25_128'; expected "
                + "one of its feature layers [Conv2d_0, "), layer.getMessage());
        JobFailure pooling = assertThrows(JobFailure.class, () -> JobOptions.parse(new String[] {"--images", "x",
                "--model-dir", "m", "--layer", "l", "--out", "o", "--pooling", "median"}));
        assertTrue(pooling.getMessage().contains("median") && pooling.getMessage().contains("[avg, max, flatten]"),
                pooling.getMessage());
        JobFailure option = assertThrows(JobFailure.class, () -> JobOptions.parse(new String[] {"--imgs", "x"}));
        assertTrue(option.getMessage().startsWith("unknown option '--imgs'; expected one of [--images, "),
                option.getMessage());
        JobFailure folder = assertThrows(JobFailure.class, () -> run("--images", out.resolve("nothing").toString(),
                "--model-dir", TINY_MODEL.toString(), "--layer", LAYER, "--out", out.toString()));
        assertTrue(folder.getMessage().startsWith("cannot read the image folder file:" + out.resolve("nothing")),
                folder.getMessage());
    }

    @Test
    void theNpyHeaderIsNumpyFormat1() {
        byte[] header = OutputFiles.npyHeader(200, 1280);
        assertEquals(0, header.length % 64, "the data starts 64-byte aligned");
        assertEquals((byte) 0x93, header[0]);
        assertEquals("NUMPY", new String(header, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, header[6]);
        assertEquals(header.length - 10, (header[8] & 0xFF) | (header[9] & 0xFF) << 8);
        String dict = new String(header, 10, header.length - 10, StandardCharsets.US_ASCII);
        assertTrue(dict.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (200, 1280), }"), dict);
        assertTrue(dict.endsWith("\n"), dict);
    }

    /** The 10 images nearest to {@code queryId} (cosine) in the search-service's collection. */
    private static JsonNode query(String url, String dataset, String model, String queryId) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String body = json.writeValueAsString(Map.of("dataset", dataset, "model", model, "layer", LAYER,
                "metric", "cosine", "k", 10, "queryId", queryId));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(url + "/api/search/query")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return json.readTree(r.body());
    }

    /** Image ids of a dataset folder with their labels, in id order, as the feature-service lists them. */
    private static Map<String, String> imagesOf(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                String id = dir.relativize(p).toString().replace('\\', '/');
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.matches(".*\\.(jpe?g|png|bmp|gif|webp|tiff?)") && !id.startsWith(".")) {
                    out.put(id, id.contains("/") ? id.substring(0, id.indexOf('/')) : null);
                }
            });
        }
        return new LinkedHashMap<>(out);
    }

    /** ids.txt as [id, label or null] lines. */
    private static List<String[]> idsFile(Path out) throws IOException {
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("ids.txt"), StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            lines.add(tab < 0 ? new String[] {line, null} : new String[] {line.substring(0, tab), line.substring(tab + 1)});
        }
        return lines;
    }

    /** Reads a float32 [n, d] .npy as NumPy would, checking its header says so. */
    private static float[][] npy(Path file, int n, int d) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '<f4'") && header.contains("'fortran_order': False")
                && header.contains("'shape': (" + n + ", " + d + ")"), header);
        assertEquals(10 + headerLength + (long) n * d * 4, bytes.length, "header plus n x d float32, nothing more");
        FloatBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, n * d * 4).slice()
                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[][] rows = new float[n][d];
        for (float[] row : rows) {
            data.get(row);
        }
        return rows;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
