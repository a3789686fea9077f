package org.convnetplayground.features;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.problem.DomainProblems;
import org.convnetplayground.testing.Repo;

/**
 * What the feature-service tests share: where the shared datasets are, what they hold on disk (the expectations
 * are computed from the files, not copied from the service), problem assertions, polling with a deadline,
 * decoding vector payloads, synthetic images and raw HTTP for requests a client library would normalise.
 */
public final class FeatureTesting {

    public static final String API = "/api/features";
    public static final String PROBLEM_JSON = "application/problem+json";
    /** The tiny model (0.47 M parameters, 128 px) for anything that runs a model. */
    public static final String TINY_MODEL = "mobilenet_v1_0.25_128";
    public static final String MOBILENET_V2 = "mobilenet_v2_1.0_224";
    public static final String CALTECH = "caltech101-iconic200";
    public static final String TINYIMAGENET = "tinyimagenet200";
    public static final Path ELEPHANT = datasetDir(CALTECH).resolve("elephant/image_0001.jpg");

    /** Image file extensions as documented for datasets (JPEG, PNG, GIF, BMP, WebP, TIFF). */
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");

    private FeatureTesting() {
    }

    // ---- the shared datasets, as they are on disk ----------------------------------------------------------

    public static Path datasetDir(String id) {
        return Repo.datasets().resolve(id);
    }

    /** The dataset folders under the shared datasets root, sorted. */
    public static List<String> datasetIdsOnDisk() {
        try (Stream<Path> dirs = Files.list(Repo.datasets())) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ids ('/'-separated paths relative to the dataset folder) of the image files of a dataset, sorted. */
    public static List<String> imageIdsOnDisk(String dataset) {
        Path dir = datasetDir(dataset);
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        int dot = name.lastIndexOf('.');
                        return !name.startsWith(".") && dot > 0
                                && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
                    })
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The class of an image id: its first folder. */
    public static String labelOf(String imageId) {
        int slash = imageId.indexOf('/');
        return slash < 0 ? null : imageId.substring(0, slash);
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- problems ----------------------------------------------------------------------------------------------

    /**
     * Asserts an RFC 9457 problem with this status whose {@code detail} contains every fragment, and that no
     * Java internals leak. Returns the problem document.
     */
    public static JsonPath assertProblem(Response response, int status, String... detailContains) {
        String body = response.asString();
        assertEquals(status, response.statusCode(), () -> "status; body: " + abbreviate(body));
        assertNotNull(response.contentType(), "content type of " + body);
        assertTrue(response.contentType().startsWith(PROBLEM_JSON), "content type " + response.contentType()
                + "; body: " + body);
        JsonPath problem = new JsonPath(body);
        assertEquals(status, problem.getInt("status"), "status in " + body);
        assertNotNull(problem.getString("title"), "title in " + body);
        String detail = problem.getString("detail");
        assertNotNull(detail, "detail in " + body);
        for (String fragment : detailContains) {
            assertTrue(detail.contains(fragment), "detail should name " + fragment + ": " + detail);
        }
        assertNoInternals(body);
        return problem;
    }

    static String abbreviate(String text) {
        return text.length() <= 600 ? text : text.substring(0, 600) + "... (" + text.length() + " chars)";
    }

    /** A failure thrown by domain code, checked like the HTTP problem it becomes. */
    public static void assertProblem(DomainException e, int status, String... detailContains) {
        assertEquals(status, DomainProblems.statusOf(e), e.getMessage());
        for (String fragment : detailContains) {
            assertTrue(e.detail().contains(fragment), "detail should name " + fragment + ": " + e.detail());
        }
        assertNoInternals(e.detail());
    }

    private static void assertNoInternals(String text) {
        assertFalse(text.contains("Exception"), "no exception class names: " + text);
        assertFalse(text.contains("\tat ") || text.contains("at org.") || text.contains("at java."),
                "no stack traces: " + text);
    }

    // ---- polling -----------------------------------------------------------------------------------------------

    /** Probes until {@code done} holds or the deadline passes (then fails with the last value seen). */
    public static <T> T await(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
        Instant deadline = Instant.now().plus(timeout);
        T last = probe.get();
        while (!done.test(last)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last: " + last);
            }
            try {
                Thread.sleep(50); // poll interval, not a wait for the outcome: the deadline decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            last = probe.get();
        }
        return last;
    }

    // ---- extraction jobs ---------------------------------------------------------------------------------------

    /** POST /extractions; returns the raw response. */
    public static Response startExtraction(String dataset, String model, List<String> layers, String pooling) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dataset", dataset);
        body.put("model", model);
        body.put("layers", layers);
        body.put("pooling", pooling);
        return given().contentType("application/json").body(body).when().post(API + "/extractions");
    }

    /** POST /extractions expecting 202; returns the job id. */
    public static String startedJob(String dataset, String model, List<String> layers, String pooling) {
        Response r = startExtraction(dataset, model, layers, pooling);
        assertEquals(202, r.statusCode(), r.asString());
        return r.jsonPath().getString("id");
    }

    public static JsonPath job(String id) {
        return given().when().get(API + "/extractions/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Polls a job until it reaches a final state; returns its last view. */
    public static JsonPath awaitFinal(String id, Duration timeout) {
        return await("extraction " + id + " to end", timeout, () -> job(id),
                j -> Set.of("succeeded", "failed", "cancelled").contains(j.getString("state")));
    }

    /** Polls a job until it has succeeded (fails fast when it failed or was cancelled). */
    public static JsonPath awaitSucceeded(String id, Duration timeout) {
        JsonPath done = awaitFinal(id, timeout);
        assertEquals("succeeded", done.getString("state"), () -> "job " + id + ": " + done.prettify());
        return done;
    }

    /** The vectors of one layer of a succeeded job, as {@code count} rows of {@code dimension} floats. */
    public static float[][] vectors(String jobId, String layer) {
        Response r = given().queryParam("layer", layer).when().get(API + "/extractions/" + jobId + "/vectors");
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/octet-stream"), r.contentType());
        int count = Integer.parseInt(r.header("X-Vector-Count"));
        int dim = Integer.parseInt(r.header("X-Vector-Dimension"));
        byte[] bytes = r.asByteArray();
        assertEquals((long) count * dim * Float.BYTES, bytes.length, "payload size of " + count + " x " + dim);
        return rows(floatsLittleEndian(bytes), count, dim);
    }

    public static float[] floatsLittleEndian(byte[] bytes) {
        float[] out = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    public static float[][] rows(float[] flat, int count, int dim) {
        float[][] out = new float[count][dim];
        for (int i = 0; i < count; i++) {
            System.arraycopy(flat, i * dim, out[i], 0, dim);
        }
        return out;
    }

    // ---- embeddings --------------------------------------------------------------------------------------------

    /** POST /embeddings as multipart; null fields are left out. */
    public static Response embed(byte[] image, String fileName, String model, String layers, String pooling) {
        RequestSpecification req = given().contentType("multipart/form-data");
        if (image != null) {
            req = req.multiPart("image", fileName, image, "application/octet-stream");
        }
        if (model != null) {
            req = req.multiPart("model", model);
        }
        if (layers != null) {
            req = req.multiPart("layers", layers);
        }
        if (pooling != null) {
            req = req.multiPart("pooling", pooling);
        }
        return req.when().post(API + "/embeddings");
    }

    /** The vector of {@code layer} in an embedding response. */
    public static float[] layerVector(JsonPath embedding, String layer) {
        List<Object> values = embedding.getList("layers.find { it.name == '" + layer + "' }.vector");
        assertNotNull(values, "layer " + layer + " in " + embedding.prettify());
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }

    // ---- synthetic images --------------------------------------------------------------------------------------

    /** An RGB image whose pixel (x, y) has colour {@code rgb.at(x, y)} (0xRRGGBB). */
    public static BufferedImage rgbImage(int width, int height, PixelColour rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb.at(x, y));
            }
        }
        return image;
    }

    /** Colour of a pixel, 0xRRGGBB. */
    @FunctionalInterface
    public interface PixelColour {
        int at(int x, int y);
    }

    /** Encodes with javax.imageio ("png", "jpeg", "bmp", "gif", "tiff"). */
    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static BufferedImage decode(byte[] encoded) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(encoded));
            assertNotNull(image, "ImageIO cannot read the " + encoded.length + " bytes");
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first bytes of a PNG whose IHDR declares {@code width x height} (8-bit RGB), with a correct CRC, followed
     * by no image data: a decompression bomb's header without the bomb.
     */
    public static byte[] pngHeaderDeclaring(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).order(ByteOrder.BIG_ENDIAN);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4 + 16).order(ByteOrder.BIG_ENDIAN);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        png.put(new byte[16]); // not a valid IDAT: anything that decoded this would fail as corrupt, not as too large
        return png.array();
    }

    /**
     * {@code jpeg} with an Exif APP1 segment right after its start marker, holding an orientation tag and, when
     * {@code thumbnail} is not null, an embedded JPEG thumbnail (as cameras write them).
     */
    public static byte[] withExif(byte[] jpeg, int orientation, byte[] thumbnail) {
        int thumbLength = thumbnail == null ? 0 : thumbnail.length;
        int tiffLength = thumbnail == null ? 26 : 56 + thumbLength;
        ByteBuffer tiff = ByteBuffer.allocate(tiffLength).order(ByteOrder.BIG_ENDIAN);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        // IFD0: one entry, Orientation (0x0112) SHORT
        tiff.putShort((short) 1).putShort((short) 0x0112).putShort((short) 3).putInt(1)
                .putShort((short) orientation).putShort((short) 0);
        tiff.putInt(thumbnail == null ? 0 : 26);
        if (thumbnail != null) {
            // IFD1: JPEGInterchangeFormat (offset) and JPEGInterchangeFormatLength
            tiff.putShort((short) 2);
            tiff.putShort((short) 0x0201).putShort((short) 4).putInt(1).putInt(56);
            tiff.putShort((short) 0x0202).putShort((short) 4).putInt(1).putInt(thumbLength);
            tiff.putInt(0);
            tiff.put(thumbnail);
        }
        int segmentLength = 2 + 6 + tiffLength;
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 2 + segmentLength).order(ByteOrder.BIG_ENDIAN);
        out.put(jpeg, 0, 2);
        out.put((byte) 0xFF).put((byte) 0xE1).putShort((short) segmentLength);
        out.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII)).put(tiff.array());
        out.put(jpeg, 2, jpeg.length - 2);
        return out.array();
    }

    /** Deterministic bytes that start like no image format. */
    public static byte[] noise(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        b[0] = 0x13; // no supported signature starts with 0x13
        return b;
    }

    // ---- raw HTTP ----------------------------------------------------------------------------------------------

    /** A status line and body, for a request sent byte-for-byte as written. */
    public record RawResponse(int status, String headers, String body) {
    }

    /**
     * Sends {@code GET rawPath} exactly as given (no client-side normalisation of "..", no re-encoding), for
     * path traversal tests.
     */
    public static RawResponse rawGet(String host, int port, String rawPath) {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + rawPath + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nAccept: */*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + 4);
            String statusLine = head.lines().findFirst().orElse("");
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            return new RawResponse(status, head, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
