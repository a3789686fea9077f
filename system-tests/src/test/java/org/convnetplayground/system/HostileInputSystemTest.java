package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The system tried as a hostile user would, through the web UI's one origin: each case must get a 4xx
 * problem+json that says what was wrong (no stack trace, no Java class name, no echo of huge values), every
 * service must still be up afterwards, and no file outside the data directory may have changed.
 */
class HostileInputSystemTest {

    private static final String DATASET = "caltech101-iconic200";
    private static final String MODEL = "mobilenet_v1_0.25_128";
    private static final String IMAGE = "elephant/image_0001.jpg";
    private static Map<String, String> before;

    /** A case: what it sends, and the status it must get (0 = any 4xx). */
    private record Case(String name, int status, Supplier<Answer> send) {
    }

    /** What came back. */
    private record Answer(int status, String contentType, String body) {
    }

    /** A case sent with REST Assured. */
    private static Case rest(String name, int status, Supplier<Response> send) {
        return new Case(name, status, () -> {
            Response r = send.get();
            return new Answer(r.statusCode(), r.contentType(), r.asString());
        });
    }

    /** A case whose request line is sent as written (HTTP clients would normalise or refuse the target). */
    private static Case raw(String name, int status, String method, String target) {
        return new Case(name, status, () -> {
            java.net.URI base = java.net.URI.create(Stack.get().base());
            try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: " + base.getAuthority()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int split = text.indexOf("\r\n\r\n");
                String head = text.substring(0, split).toLowerCase(java.util.Locale.ROOT);
                java.util.regex.Matcher type = java.util.regex.Pattern.compile("\r\ncontent-type: *([^\r]*)").matcher(head);
                return new Answer(Integer.parseInt(head.split(" ", 3)[1]), type.find() ? type.group(1) : null,
                        text.substring(split + 4));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @BeforeAll
    static void snapshot() throws IOException {
        Stack.get();
        // the collection the cases below attack exists first: a wrong vector length or a threshold beyond the
        // collection's largest distance can only be judged against it (before, such a query starts its build)
        Api.search(Api.query(DATASET, MODEL, "global_pool", "cosine", 5, IMAGE));
        before = outsideTheDataDirectory();
    }

    @AfterAll
    static void nothingOutsideTheDataDirectoryChanged() throws IOException {
        if (before == null) {
            return;
        }
        Map<String, String> after = outsideTheDataDirectory();
        List<String> changed = new ArrayList<>();
        after.forEach((file, stamp) -> {
            if (!stamp.equals(before.get(file))) {
                changed.add(file);
            }
        });
        before.keySet().stream().filter(f -> !after.containsKey(f)).forEach(f -> changed.add(f + " (deleted)"));
        assertEquals(List.of(), changed, "files outside the data directory changed during the hostile battery");
    }

    @TestFactory
    Stream<DynamicTest> everyHostileRequestIsRefusedWithAProblem() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Answer r = c.send().get();
            String body = r.body();
            if (c.status() == 0) {
                assertTrue(r.status() >= 400 && r.status() < 500, c.name() + ": " + r.status() + " " + body);
            } else {
                assertEquals(c.status(), r.status(), c.name() + ": " + body);
            }
            assertTrue(String.valueOf(r.contentType()).startsWith("application/problem+json"),
                    c.name() + ": content type " + r.contentType() + ": " + body);
            String detail = io.restassured.path.json.JsonPath.from(body).getString("detail");
            assertTrue(detail != null && !detail.isBlank(), c.name() + ": no detail: " + body);
            assertFalse(body.matches("(?s).*(Exception|\\bat org\\.|\\bat java\\.|java\\.lang|NullPointer).*"),
                    c.name() + ": leaks internals: " + body);
            assertTrue(body.length() < 20_000, c.name() + ": answer of " + body.length() + " characters echoes too much");
        }));
    }

    @Test
    void theServicesAreStillUpAfterTheBattery() {
        for (String path : List.of("/api/catalog/models", "/api/features/datasets", "/api/search/metrics")) {
            Api.request().get(path).then().statusCode(200);
        }
    }

    private static RequestSpecification ui() {
        return Api.request();
    }

    private static Response json(String method, String path, Object body) {
        RequestSpecification r = ui().contentType(ContentType.JSON).body(body);
        return method.equals("PUT") ? r.put(path) : r.post(path);
    }

    private static Map<String, Object> query(Map<String, Object> extra) {
        Map<String, Object> q = new TreeMap<>(Api.query(DATASET, MODEL, "global_pool", "cosine", 5, IMAGE));
        q.putAll(extra);
        return q;
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // ---- the web UI's proxy ----
        for (String path : List.of("/api/catalog/../../q/metrics", "/api/catalog/%2e%2e/%2e%2e/q/metrics",
                "/api/features/datasets/..%2f..%2f..%2fq%2fmetrics", "/api/search/.%2E/.%2E/q/health")) {
            c.add(raw("proxy: dot segments " + path, 400, "GET", path));
        }
        c.add(raw("proxy: URL of 6,000 characters", 414, "GET", "/api/search/metrics?x=" + "a".repeat(6000)));
        c.add(raw("proxy: request head of 20,000 characters", 431, "GET", "/api/search/metrics?x=" + "a".repeat(20_000)));
        c.add(rest("proxy: unknown API", 404, () -> ui().get("/api/secrets")));
        c.add(raw("proxy: broken percent-encoding", 400, "GET", "/api/search/%zz"));
        c.add(rest("cross-site write", 403, () -> ui().header("Origin", "http://evil.example")
                .multiPart("name", "evil").multiPart("archive", "a.zip", zip(Map.of("a/x.jpg", jpeg())))
                .post("/api/features/datasets")));
        c.add(rest("cross-site delete (Sec-Fetch-Site)", 403, () -> ui().header("Sec-Fetch-Site", "cross-site")
                .delete("/api/features/datasets/" + DATASET)));

        // ---- model-catalog-service ----
        c.add(rest("catalog: unknown model", 404, () -> ui().get("/api/catalog/models/nope")));
        c.add(rest("catalog: traversal in a model id", 0, () -> ui().urlEncodingEnabled(false)
                .get("/api/catalog/models/..%2F..%2Fetc%2Fpasswd")));
        c.add(rest("catalog: unknown layer", 404, () -> ui().get("/api/catalog/models/" + MODEL + "/layers/conv9")));
        c.add(rest("catalog: filters of an unknown layer", 404,
                () -> ui().get("/api/catalog/models/" + MODEL + "/filters?layer=nope")));
        c.add(rest("catalog: unknown zoo model", 404, () -> ui().post("/api/catalog/zoo/nope/download")));
        c.add(rest("catalog: delete a shared model", 409, () -> ui().delete("/api/catalog/models/" + MODEL)));
        c.add(rest("catalog: import bytes that are not ONNX", 400, () -> importModel("junk", "not onnx".getBytes(StandardCharsets.UTF_8))));
        c.add(rest("catalog: import a truncated ONNX file", 400, () -> importModel("cut", Arrays.copyOf(sharedModel(), 5000))));
        c.add(rest("catalog: import with external data in an If branch", 400, () -> importModel("ext", externalDataInIfBranch())));
        c.add(rest("catalog: import with std 1e-300", 400, () -> ui()
                .multiPart("model", "m.onnx", sharedModel(), "application/octet-stream")
                .multiPart("metadata", "model.json", metadata("tiny-std", "1e-300").getBytes(StandardCharsets.UTF_8), "application/json")
                .post("/api/catalog/models")));
        for (String url : List.of("http://127.0.0.1:8081/api/catalog/models/" + MODEL + "/file",
                "http://localhost:8083/q/metrics", "http://[::1]:8083/q/metrics", "http://2130706433:8081/",
                "http://0x7f.1:8081/", "http://[::ffff:127.0.0.1]:8081/", "http://169.254.169.254/latest/meta-data/",
                "http://10.1.2.3/model.onnx", "http://192.168.1.1/model.onnx", "http://0.0.0.0:8081/")) {
            c.add(rest("catalog: download from " + url, 400, () -> json("POST", "/api/catalog/models/download",
                    "{\"id\":\"ssrf\",\"url\":\"" + url + "\",\"sha256\":\"" + "a".repeat(64) + "\",\"metadata\":"
                            + metadata("ssrf", "58.395") + "}")));
        }
        c.add(rest("catalog: download from file://", 400, () -> json("POST", "/api/catalog/models/download",
                "{\"id\":\"f\",\"url\":\"file:///etc/passwd\",\"sha256\":\"" + "a".repeat(64) + "\",\"metadata\":"
                        + metadata("f", "58.395") + "}")));
        c.add(rest("catalog: download with a malformed checksum", 400, () -> json("POST", "/api/catalog/models/download",
                "{\"id\":\"s\",\"url\":\"https://example.org/m.onnx\",\"sha256\":\"xyz\",\"metadata\":"
                        + metadata("s", "58.395") + "}")));

        // ---- feature-service ----
        c.add(rest("features: unknown dataset", 404, () -> ui().get("/api/features/datasets/nope/images")));
        for (String id : List.of("..%2F..%2F..%2Fetc%2Fpasswd", "elephant%2F..%2F..%2F..%2Fetc%2Fpasswd",
                "%2Fetc%2Fpasswd")) {
            c.add(rest("features: image id " + id, 0, () -> ui().urlEncodingEnabled(false)
                    .get("/api/features/datasets/" + DATASET + "/images/" + id)));
        }
        c.add(rest("features: thumbnail size 100000", 400,
                () -> ui().get("/api/features/datasets/" + DATASET + "/thumbnails/" + IMAGE + "?size=100000")));
        c.add(rest("features: thumbnail size 'big'", 400,
                () -> ui().get("/api/features/datasets/" + DATASET + "/thumbnails/" + IMAGE + "?size=big")));
        c.add(rest("features: embedding of a text file", 400, () -> embed("notes.txt", "hello".getBytes(StandardCharsets.UTF_8))));
        c.add(rest("features: embedding of a truncated JPEG", 400, () -> embed("cut.jpg", Arrays.copyOf(jpeg(), jpeg().length / 2))));
        c.add(rest("features: embedding of an empty file", 400, () -> embed("empty.jpg", new byte[0])));
        c.add(rest("features: PNG declaring 100,000 x 100,000 pixels", 413, () -> embed("bomb.png", pngHeader(100_000, 100_000))));
        c.add(rest("features: embedding with an unknown layer", 404, () -> ui()
                .multiPart("image", "e.jpg", jpeg(), "image/jpeg").multiPart("model", MODEL).multiPart("layers", "conv9")
                .post("/api/features/embeddings")));
        c.add(rest("features: embedding with an unknown pooling", 400, () -> ui()
                .multiPart("image", "e.jpg", jpeg(), "image/jpeg").multiPart("model", MODEL)
                .multiPart("layers", "global_pool").multiPart("pooling", "median").post("/api/features/embeddings")));
        c.add(rest("features: zip-slip archive", 400, () -> importZip("slip", zip(Map.of("../../escape.jpg", jpeg(),
                "/etc/absolute.jpg", jpeg())))));
        c.add(rest("features: zip entry with a 300-character name", 400, () -> importZip("longname",
                zip(Map.of("a/" + "n".repeat(300) + ".jpg", jpeg())))));
        c.add(rest("features: zip entry with a bidi override", 400, () -> importZip("bidi",
                zip(Map.of("cats/\u202Egpj.exe", jpeg())))));
        c.add(rest("features: zip entry with a control character", 400, () -> importZip("ctrl",
                zip(Map.of("cats/a\u0007b.jpg", jpeg())))));
        c.add(rest("features: archive that is not a zip", 400, () -> importZip("notzip", "PK but not".getBytes(StandardCharsets.UTF_8))));
        c.add(rest("features: dataset name with a path", 400, () -> importZip("../escape", zip(Map.of("a/x.jpg", jpeg())))));
        c.add(rest("features: dataset name with a bidi override", 400, () -> importZip("ab\u202Ecd", zip(Map.of("a/x.jpg", jpeg())))));
        c.add(rest("features: images added to a shared dataset", 409, () -> ui()
                .multiPart("files", "x.jpg", jpeg(), "image/jpeg").post("/api/features/datasets/" + DATASET + "/images")));
        c.add(rest("features: register a folder outside the allowed roots", 400, () -> json("POST",
                "/api/features/datasets/registrations", "{\"id\":\"etc\",\"path\":\"/etc\"}")));
        c.add(rest("features: extraction of an unknown layer", 404, () -> json("POST", "/api/features/extractions",
                "{\"dataset\":\"" + DATASET + "\",\"model\":\"" + MODEL + "\",\"layers\":[\"conv9\"]}")));
        c.add(rest("features: malformed JSON", 400, () -> json("POST", "/api/features/extractions", "{\"dataset\":")));
        c.add(rest("features: 50 MB JSON body", 413, () -> json("POST", "/api/features/extractions",
                "{\"dataset\":\"" + "x".repeat(50_000_000) + "\"}")));
        c.add(rest("features: channel examples of channel 100000", 400, () -> json("POST", "/api/features/channel-examples",
                "{\"dataset\":\"" + DATASET + "\",\"model\":\"" + MODEL + "\",\"layer\":\"Conv2d_1_pointwise\",\"channel\":100000,\"k\":9}")));
        c.add(rest("features: activations with top 0", 400, () -> ui().multiPart("dataset", DATASET)
                .multiPart("imageId", IMAGE).multiPart("model", MODEL).multiPart("layer", "Conv2d_1_pointwise")
                .multiPart("top", "0").post("/api/features/activations")));
        c.add(rest("features: predictions of an unknown image", 404, () -> ui().multiPart("dataset", DATASET)
                .multiPart("imageId", "nope.jpg").multiPart("model", MODEL).post("/api/features/predictions")));
        c.add(rest("features: unknown extraction", 404, () -> ui().get("/api/features/extractions/nope")));

        // ---- search-service ----
        c.add(rest("search: unknown metric", 400, () -> json("POST", "/api/search/query", query(Map.of("metric", "cosin")))));
        c.add(rest("search: k 0", 400, () -> json("POST", "/api/search/query", query(Map.of("k", 0)))));
        c.add(rest("search: k 10 million", 400, () -> json("POST", "/api/search/query", query(Map.of("k", 10_000_000)))));
        c.add(rest("search: minkowski p 1e308", 400, () -> json("POST", "/api/search/query",
                query(Map.of("metric", "minkowski", "p", 1e308)))));
        c.add(rest("search: minkowski p 0.5", 400, () -> json("POST", "/api/search/query",
                query(Map.of("metric", "minkowski", "p", 0.5)))));
        c.add(rest("search: unknown dataset", 404, () -> json("POST", "/api/search/query", query(Map.of("dataset", "nope")))));
        c.add(rest("search: unknown model", 404, () -> json("POST", "/api/search/query", query(Map.of("model", "nope")))));
        c.add(rest("search: unknown layer", 404, () -> json("POST", "/api/search/query", query(Map.of("layer", "conv9")))));
        c.add(rest("search: unknown image before its collection exists", 404, () -> json("POST", "/api/search/query",
                query(Map.of("layer", "Conv2d_2_pointwise", "queryId", "elephant/nope.jpg")))));
        c.add(rest("search: a 1 MB query id", 0, () -> json("POST", "/api/search/query",
                query(Map.of("queryId", "x".repeat(1_000_000))))));
        c.add(rest("search: vector of the wrong length", 400, () -> json("POST", "/api/search/query-vector",
                query(Map.of("vector", List.of(1.0, 2.0, 3.0))))));
        c.add(rest("search: vector with a string in it", 400, () -> json("POST", "/api/search/query-vector",
                "{\"dataset\":\"" + DATASET + "\",\"model\":\"" + MODEL + "\",\"layer\":\"global_pool\",\"metric\":\"cosine\",\"k\":5,\"vector\":[1,\"NaN\"]}")));
        c.add(rest("search: vector of 3.4e38 values under minkowski p 1e308", 400, () -> json("POST",
                "/api/search/query-vector", query(Map.of("metric", "minkowski", "p", 1e308,
                        "vector", List.of(3.4e38, 3.4e38))))));
        c.add(rest("search: query image that is not an image", 400, () -> ui()
                .multiPart("image", "x.jpg", "<html>".getBytes(StandardCharsets.UTF_8), "image/jpeg")
                .multiPart("dataset", DATASET).multiPart("model", MODEL).multiPart("layer", "global_pool")
                .post("/api/search/query-image")));
        c.add(rest("search: duplicates with a negative threshold", 400, () -> ui().get("/api/search/duplicates?dataset="
                + DATASET + "&model=" + MODEL + "&layer=global_pool&metric=cosine&threshold=-1")));
        c.add(rest("search: duplicates with threshold 1e300", 400, () -> ui().get("/api/search/duplicates?dataset="
                + DATASET + "&model=" + MODEL + "&layer=global_pool&metric=cosine&threshold=1e300")));
        c.add(rest("search: evaluation under an unknown metric", 400, () -> ui().get("/api/search/evaluation?dataset="
                + DATASET + "&model=" + MODEL + "&layer=global_pool&metric=nope")));
        c.add(rest("search: projection by an unknown method", 400, () -> ui().get("/api/search/projection?dataset="
                + DATASET + "&model=" + MODEL + "&layer=global_pool&method=umap9")));
        c.add(rest("search: projection of a sample of 1", 400, () -> ui().get("/api/search/projection?dataset="
                + DATASET + "&model=" + MODEL + "&layer=global_pool&method=pca&sample=1")));
        c.add(rest("search: leaderboard of an unknown model", 404, () -> ui().get("/api/search/leaderboard?dataset="
                + DATASET + "&models=nope")));
        c.add(rest("search: unknown job", 404, () -> ui().get("/api/search/jobs/nope")));
        c.add(rest("search: 50 MB JSON body", 413, () -> json("POST", "/api/search/query-vector",
                "{\"dataset\":\"" + "x".repeat(50_000_000) + "\"}")));
        return c;
    }

    // ---- building hostile inputs ----

    private static Response importModel(String id, byte[] onnx) {
        return ui().multiPart("model", id + ".onnx", onnx, "application/octet-stream")
                .multiPart("metadata", "model.json", metadata(id, "58.395").getBytes(StandardCharsets.UTF_8), "application/json")
                .post("/api/catalog/models");
    }

    private static Response embed(String name, byte[] bytes) {
        return ui().multiPart("image", name, bytes, "application/octet-stream").multiPart("model", MODEL)
                .multiPart("layers", "global_pool").post("/api/features/embeddings");
    }

    private static Response importZip(String name, byte[] zip) {
        return ui().multiPart("name", name).multiPart("archive", "upload.zip", zip, "application/zip")
                .post("/api/features/datasets");
    }

    private static String metadata(String name, String std) {
        return "{\"name\":\"" + name + "\",\"input\":{\"layout\":\"NCHW\",\"channel_order\":\"RGB\",\"size\":[128,128]},"
                + "\"preprocessing\":{\"resize_mode\":\"shorter-side-crop\",\"crop_fraction\":0.875,"
                + "\"mean\":[123.675,116.28,103.53],\"std\":[" + std + "," + std + "," + std + "]},"
                + "\"output\":{\"num_classes\":1000,\"labels_file\":\"imagenet_labels.txt\"}}";
    }

    private static byte[] sharedModel() {
        try (Stream<Path> files = Files.list(Repo.models().resolve(MODEL))) {
            Path onnx = files.filter(p -> p.toString().endsWith(".onnx")).findFirst().orElseThrow();
            return Files.readAllBytes(onnx);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared model with an If node whose branch keeps a tensor's values in "Makefile" (external data). */
    private static byte[] externalDataInIfBranch() {
        try {
            OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(sharedModel());
            OnnxMl.TensorProto sneaky = OnnxMl.TensorProto.newBuilder().setName("sneaky").addDims(4)
                    .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                    .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("Makefile"))
                    .build();
            OnnxMl.GraphProto branch = OnnxMl.GraphProto.newBuilder().setName("then").addInitializer(sneaky)
                    .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("sneaky")).build();
            OnnxMl.GraphProto other = OnnxMl.GraphProto.newBuilder().setName("else").addInitializer(sneaky.toBuilder()
                    .setName("other").clearExternalData().clearDataLocation().addFloatData(0).addFloatData(0)
                    .addFloatData(0).addFloatData(0)).addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("other")).build();
            OnnxMl.TensorProto cond = OnnxMl.TensorProto.newBuilder().setName("cond").setDataType(
                    OnnxMl.TensorProto.DataType.BOOL_VALUE).addInt32Data(1).build();
            OnnxMl.NodeProto ifNode = OnnxMl.NodeProto.newBuilder().setOpType("If").setName("read_a_file")
                    .addInput("cond").addOutput("leak")
                    .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("then_branch")
                            .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(branch))
                    .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("else_branch")
                            .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(other)).build();
            OnnxMl.GraphProto graph = model.getGraph().toBuilder().addInitializer(cond).addNode(ifNode)
                    .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("leak")).build();
            return model.toBuilder().setGraph(graph).build().toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] jpegBytes;

    private static synchronized byte[] jpeg() {
        if (jpegBytes == null) {
            try {
                jpegBytes = Files.readAllBytes(Repo.datasets().resolve(DATASET).resolve(IMAGE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return jpegBytes;
    }

    /** A PNG signature and header chunk declaring the given size, with no pixels after it. */
    private static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}).putInt(13).put(ihdr.array())
                .putInt((int) crc.getValue());
        return png.array();
    }

    private static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Size and modification time of every file of the repository and of ../shared, except build output and the
     * system tests' own data directories (where the services write).
     */
    private static Map<String, String> outsideTheDataDirectory() throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Path root : List.of(Repo.dir(), Repo.shared())) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    String rel = root.relativize(p).toString();
                    if (rel.contains("target") || rel.startsWith(".git") || rel.contains("node_modules")
                            || rel.startsWith("data") || !Files.isRegularFile(p)) {
                        continue;
                    }
                    out.put(p.toString(), Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
                }
            }
        }
        return out;
    }
}
