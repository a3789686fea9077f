package org.convnetplayground.features.rest;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.features.FeatureTesting.API;
import static org.convnetplayground.features.FeatureTesting.ELEPHANT;
import static org.convnetplayground.features.FeatureTesting.MOBILENET_V2;
import static org.convnetplayground.features.FeatureTesting.TINYIMAGENET;
import static org.convnetplayground.features.FeatureTesting.TINY_MODEL;
import static org.convnetplayground.features.FeatureTesting.assertProblem;
import static org.convnetplayground.features.FeatureTesting.datasetDir;
import static org.convnetplayground.features.FeatureTesting.decode;
import static org.convnetplayground.features.FeatureTesting.embed;
import static org.convnetplayground.features.FeatureTesting.imageIdsOnDisk;
import static org.convnetplayground.features.FeatureTesting.layerVector;
import static org.convnetplayground.features.FeatureTesting.noise;
import static org.convnetplayground.features.FeatureTesting.pngHeaderDeclaring;
import static org.convnetplayground.features.FeatureTesting.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.convnetplayground.features.CatalogService;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Vectors of one uploaded image: the real models on a real photo, the pooling choices, and every kind of bad upload. */
@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class EmbeddingResourceTest {

    /** A small real image for requests that are meant to succeed quickly. */
    private static final byte[] SMALL = read(datasetDir(TINYIMAGENET).resolve(imageIdsOnDisk(TINYIMAGENET).get(0)));

    @ConfigProperty(name = "quarkus.rest-client.catalog.url")
    String catalogUrl;

    private JsonPath catalogModel(String model) {
        return given().when().get(catalogUrl + "/api/catalog/models/" + model).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath ok(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath();
    }

    /** Whatever went wrong in a test, the service still embeds images afterwards. */
    @AfterEach
    void serviceStillAnswers() {
        JsonPath e = ok(embed(SMALL, "small.jpg", TINY_MODEL, "global_pool", null));
        assertEquals(256, layerVector(e, "global_pool").length);
    }

    @Test
    void theElephantPhotoGivesA1280ValueGlobalPoolVectorAndReportsItsPreprocessing() {
        JsonPath e = ok(embed(read(ELEPHANT), "image_0001.jpg", MOBILENET_V2, "global_pool", "avg"));
        assertEquals(MOBILENET_V2, e.getString("model"));
        assertEquals(catalogModel(MOBILENET_V2).getString("sha256"), e.getString("modelSha256"));
        assertEquals("avg", e.getString("pooling"));
        assertEquals(List.of("global_pool"), e.getList("layers.name"));
        assertEquals(List.of(1280), e.getList("layers.dimension"));
        float[] v = layerVector(e, "global_pool");
        assertEquals(1280, v.length);
        for (float x : v) {
            assertTrue(Float.isFinite(x) && x >= 0 && x <= 6, "average of ReLU6 outputs: " + x);
        }
        assertTrue(IntStream.range(0, v.length).filter(i -> v[i] > 0).count() > 100, "not a dead vector");

        // the photo is 300 x 225; the model wants 224 x 224 from the centre 87.5 % of the shorter side:
        // side 0.875 * 225 = 196.875 -> 197 px from (round(51.5625), round(14.0625)) = (52, 14), enlarged: bilinear
        BufferedImage photo = decode(read(ELEPHANT));
        assertEquals(List.of(300, 225), List.of(photo.getWidth(), photo.getHeight()));
        assertEquals(300, e.getInt("preprocessing.width"));
        assertEquals(225, e.getInt("preprocessing.height"));
        assertEquals(List.of(52, 14, 197, 197), e.getList("preprocessing.region"));
        assertEquals("bilinear", e.getString("preprocessing.filter"));
        assertEquals(List.of(224, 224), e.getList("preprocessing.inputSize"));
        assertEquals("bilinear", e.getString("preprocessing.interpolation"));
    }

    @Test
    void theClassifierSeesAnElephantInTheElephantPhoto() {
        JsonPath e = ok(embed(read(ELEPHANT), "image_0001.jpg", MOBILENET_V2, "logits", null));
        float[] logits = layerVector(e, "logits");
        assertEquals(1000, logits.length);
        List<Integer> top5 = IntStream.range(0, 1000).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -logits[i])).limit(5).toList();
        // imagenet_labels.txt (0-based): 101 tusker, 385 Indian elephant, 386 African elephant
        assertTrue(top5.stream().anyMatch(List.of(101, 385, 386)::contains), "top-5 classes " + top5);
    }

    @Test
    void withoutLayersAndPoolingTheEmbeddingLayerIsAveraged() {
        JsonPath e = ok(embed(SMALL, "small.jpg", TINY_MODEL, null, null));
        assertEquals(List.of(catalogModel(TINY_MODEL).getString("embeddingLayer")), e.getList("layers.name"));
        assertEquals("avg", e.getString("pooling"));
        assertEquals("bilinear", e.getString("preprocessing.filter"), "64 px enlarged to 128");
    }

    @Test
    void averageMaxAndFlattenOfOneLayerAgreeWithEachOther() {
        // Conv2d_13_pointwise of the tiny model is 256 channels x 4 x 4; global_pool is its mean over positions
        String layers = "Conv2d_13_pointwise,global_pool";
        float[] flat = layerVector(ok(embed(SMALL, "s.jpg", TINY_MODEL, "Conv2d_13_pointwise", "flatten")), "Conv2d_13_pointwise");
        JsonPath avg = ok(embed(SMALL, "s.jpg", TINY_MODEL, layers, "avg"));
        float[] max = layerVector(ok(embed(SMALL, "s.jpg", TINY_MODEL, "Conv2d_13_pointwise", "max")), "Conv2d_13_pointwise");
        float[] mean = layerVector(avg, "Conv2d_13_pointwise");
        float[] globalPool = layerVector(avg, "global_pool");
        assertEquals(256 * 16, flat.length);
        assertEquals(256, mean.length);
        assertEquals(256, max.length);
        for (int c = 0; c < 256; c++) {
            float[] positions = Arrays.copyOfRange(flat, c * 16, c * 16 + 16);
            double sum = 0;
            float top = Float.NEGATIVE_INFINITY;
            for (float p : positions) {
                sum += p;
                top = Math.max(top, p);
            }
            assertEquals(sum / 16, mean[c], 1e-5, "avg of channel " + c);
            assertEquals(top, max[c], "max of channel " + c);
            assertEquals(globalPool[c], mean[c], 1e-5, "the graph's own global pool, channel " + c);
        }
    }

    @Test
    void concurrentUploadsGetTheSameVectorsAsOneAtATime() throws Exception {
        List<String> ids = imageIdsOnDisk(TINYIMAGENET).subList(0, 8);
        String layers = "global_pool,Conv2d_5_depthwise";
        List<float[]> sequential = ids.stream().map(i -> layerVector(ok(embed(read(datasetDir(TINYIMAGENET).resolve(i)),
                i, TINY_MODEL, layers, null)), "Conv2d_5_depthwise")).toList();
        ExecutorService pool = Executors.newFixedThreadPool(ids.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<float[]>> parallel = ids.stream().map(i -> pool.submit(() -> {
                start.await();
                return layerVector(ok(embed(read(datasetDir(TINYIMAGENET).resolve(i)), i, TINY_MODEL, layers, null)),
                        "Conv2d_5_depthwise");
            })).toList();
            start.countDown();
            for (int k = 0; k < ids.size(); k++) {
                assertArrayEquals(sequential.get(k), parallel.get(k).get(60, TimeUnit.SECONDS), 1e-6f, ids.get(k));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void moreLayerSetsThanTheSessionCacheHoldsStillGiveTheSameVectors() {
        // every curated layer on its own is a separate session; there are more of them than the cache keeps (6)
        List<String> featureLayers = catalogModel(TINY_MODEL).getList("featureLayers", String.class);
        assertTrue(featureLayers.size() > 6, featureLayers.toString());
        List<float[]> first = featureLayers.stream()
                .map(l -> layerVector(ok(embed(SMALL, "small.jpg", TINY_MODEL, l, null)), l)).toList();
        for (int k = 0; k < featureLayers.size(); k++) {
            String layer = featureLayers.get(k);
            assertArrayEquals(first.get(k), layerVector(ok(embed(SMALL, "small.jpg", TINY_MODEL, layer, null)), layer),
                    layer + " after its session was evicted");
        }
    }

    // ---- bad requests: each a problem naming what was wrong -----------------------------------------------------

    @Test
    void missingImagePartIs400() {
        assertProblem(embed(null, null, TINY_MODEL, null, null), 400, "image");
    }

    @Test
    void missingModelIs400() {
        assertProblem(embed(SMALL, "small.jpg", null, null, null), 400, "model");
    }

    @Test
    void emptyFileIs400() {
        assertProblem(embed(new byte[0], "empty.jpg", TINY_MODEL, null, null), 400, "'empty.jpg'", "empty");
    }

    @Test
    void randomBytesNamedJpgAre400() {
        assertProblem(embed(noise(20_000, 3), "holiday.jpg", TINY_MODEL, null, null), 400, "'holiday.jpg'",
                "not an image", "JPEG", "PNG");
    }

    @Test
    void truncatedJpegIs400() {
        byte[] photo = read(ELEPHANT);
        assertProblem(embed(Arrays.copyOf(photo, photo.length / 2), "half.jpg", TINY_MODEL, null, null), 400,
                "'half.jpg'", "truncated");
    }

    @Test
    void declaredDecompressionBombIs413() {
        assertProblem(embed(pngHeaderDeclaring(20000, 20000), "bomb.png", TINY_MODEL, null, null), 413,
                "'bomb.png'", "20000x20000");
    }

    @Test
    void unknownModelIs404NamingTheModels() {
        assertProblem(embed(SMALL, "small.jpg", "resnet9000", null, null), 404, "'resnet9000'", TINY_MODEL, MOBILENET_V2);
    }

    @Test
    void modelIdsThatLookLikePathsAreUnknownModels() {
        for (String id : List.of("../" + TINY_MODEL, TINY_MODEL + "/../" + MOBILENET_V2, "..%2F" + TINY_MODEL)) {
            Response r = embed(SMALL, "small.jpg", id, null, null);
            assertProblem(r, 404, TINY_MODEL);
        }
    }

    /**
     * Browsers and curl declare the length of an upload; such a request over the limit is refused with a problem
     * before its body is read. (A chunked upload over the limit still gets the HTTP layer's bare 413.)
     */
    @Test
    void uploadsOverTheBodyLimitAre413Problems() throws Exception {
        byte[] huge = new byte[31 * 1024 * 1024];
        String boundary = "cnp-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"huge.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + huge.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(tail, 0, body, head.length + huge.length, tail.length);
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + API + "/embeddings"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().contains("the limit is 26214400"), r.body());
    }

    @Test
    void unknownLayerIs404NamingTheFeatureLayers() {
        JsonPath problem = assertProblem(embed(SMALL, "small.jpg", TINY_MODEL, "global_pool, conv99", null), 404,
                "'conv99'", "'" + TINY_MODEL + "'", "Conv2d_0", "Conv2d_13_pointwise",
                "/api/catalog/models/" + TINY_MODEL + "/layers");
        assertEquals(catalogModel(TINY_MODEL).getList("featureLayers"), problem.getList("choices"));
    }

    @Test
    void badPoolingIs400NamingTheChoices() {
        assertProblem(embed(SMALL, "small.jpg", TINY_MODEL, null, "median"), 400, "'median'", "[avg, max, flatten]");
    }

    @Test
    void flattenOverTheLimitIs400() {
        // MobileNet v2 Conv2d_0 is 32 x 112 x 112 = 401408 values per image; the limit is 200000
        assertProblem(embed(SMALL, "small.jpg", MOBILENET_V2, "Conv2d_0", "flatten"), 400, "'flatten'", "401408", "200000");
    }

    @Test
    void jsonInsteadOfMultipartIs415() {
        assertProblem(given().contentType("application/json").body("{\"model\": \"" + TINY_MODEL + "\"}")
                .when().post(API + "/embeddings"), 415, "application/json");
    }
}
