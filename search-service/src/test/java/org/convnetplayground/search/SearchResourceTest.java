package org.convnetplayground.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = UpstreamServices.class, restrictToAnnotatedClass = false)
class SearchResourceTest {

    static final String CALTECH = "caltech101-iconic200";
    static final String V2 = "mobilenet_v2_1.0_224";

    @Test
    void listsTheMetricsSciPyNames() {
        given().get("/api/search/metrics").then().statusCode(200)
                .body("$", equalTo(List.of("cosine", "euclidean", "sqeuclidean", "minkowski", "cityblock",
                        "chebyshev", "correlation", "canberra", "braycurtis")));
        given().get("/api/search/metrics/manhattan").then().statusCode(200).body("name", equalTo("cityblock"));
    }

    @Test
    void aMissingCollectionIsBuiltOnDemandThenEveryMetricRanksExactly() {
        String layer = tinyEmbedding();
        Map<String, Object> body = Queries.body(Queries.TINY_DATASET, Queries.TINY_MODEL, layer, "cosine", 50,
                "goldfish/n01443537_0.JPEG");
        JsonPath first = Queries.query(body);
        assertEquals(50, first.getList("hits").size());

        // the stored vectors, fetched back, reproduce every reported distance with the reference metric
        float[] q = vector(layer, "goldfish/n01443537_0.JPEG");
        for (String metric : Metric.names()) {
            body.put("metric", metric);
            JsonPath r = Queries.query(body);
            List<Map<String, Object>> hits = r.getList("hits");
            assertEquals(50, hits.size(), metric);
            double previousDistance = -1;
            double previousSimilarity = 101;
            for (Map<String, Object> hit : hits) {
                String id = (String) hit.get("id");
                assertFalse(id.equals("goldfish/n01443537_0.JPEG"), "the query is not among its hits");
                double d = ((Number) hit.get("distance")).doubleValue();
                double s = ((Number) hit.get("similarity")).doubleValue();
                double expected = Metric.byName(metric).orElseThrow().distance(q, vector(layer, id), 3);
                // vectors travel as JSON text, so allow float rounding (the acceptance bound is 1e-4 relative)
                assertEquals(expected, d, 1e-6 * Math.max(1e-3, Math.abs(expected)), metric + " " + id);
                assertTrue(d >= previousDistance, metric + ": hits sorted by distance");
                assertTrue(s <= previousSimilarity, metric + ": similarity never rises");
                previousDistance = d;
                previousSimilarity = s;
            }
        }
    }

    @Test
    void sameClassImagesDominateOnRealPhotos() {
        // mean precision@10 over every image of caltech101-iconic200 (MobileNet v2, final pooled layer, cosine);
        // the published leave-one-out figure for this layer is 0.79, chance is 0.09
        Queries.query(Queries.body(CALTECH, V2, "global_pool", "cosine", 10, "elephant/image_0001.jpg"));
        JsonPath items = given().get("/api/search/collections/" + CALTECH + "/" + V2 + "/global_pool/items?limit=1000")
                .then().statusCode(200).extract().jsonPath();
        List<String> ids = items.getList("items.id");
        List<String> labels = items.getList("items.label");
        assertEquals(200, ids.size());
        double sum = 0;
        for (int i = 0; i < ids.size(); i++) {
            List<String> hitLabels = Queries.query(Queries.body(CALTECH, V2, "global_pool", "cosine", 10, ids.get(i)))
                    .getList("hits.label");
            String label = labels.get(i);
            sum += hitLabels.stream().filter(label::equals).count() / 10.0;
        }
        double precisionAt10 = sum / ids.size();
        assertTrue(precisionAt10 > 0.7, "mean precision@10 = " + precisionAt10);
    }

    @Test
    void uploadedPhotoFindsItsClass() throws Exception {
        // a mirrored, cropped copy of a dataset photo: not byte-identical to anything in the collection
        BufferedImage original = ImageIO.read(Repo.datasets().resolve(CALTECH + "/elephant/image_0001.jpg").toFile());
        int w = original.getWidth();
        int h = original.getHeight();
        BufferedImage variant = new BufferedImage(w - 20, h - 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h - 20; y++) {
            for (int x = 0; x < w - 20; x++) {
                variant.setRGB(x, y, original.getRGB(w - 11 - x, y + 10));
            }
        }
        File upload = File.createTempFile("elephant", ".png");
        ImageIO.write(variant, "png", upload);
        Queries.query(Queries.body(CALTECH, V2, "global_pool", "cosine", 10, "elephant/image_0001.jpg"));
        JsonPath r = given().multiPart("image", upload, "image/png").multiPart("dataset", CALTECH)
                .multiPart("model", V2).multiPart("layer", "global_pool").multiPart("metric", "cosine")
                .multiPart("k", "10")
                .when().post("/api/search/query-image").then().statusCode(200).extract().jsonPath();
        List<String> labels = r.getList("hits.label");
        assertEquals(10, labels.size());
        long elephants = labels.stream().filter("elephant"::equals).count();
        assertTrue(elephants >= 7, "top 10 of an elephant photo: " + labels);
        assertEquals(upload.getName(), r.getString("query.upload"));
        Files.delete(upload.toPath());
    }

    @Test
    void wrongInputsGetProblemsNamingTheValidChoices() {
        String layer = tinyEmbedding();
        Map<String, Object> ok = Queries.body(Queries.TINY_DATASET, Queries.TINY_MODEL, layer, "cosine", 5,
                "goldfish/n01443537_0.JPEG");
        Queries.query(ok);

        problem(with(ok, "dataset", "no-such-dataset"), 404).body("detail",
                startsWith("unknown dataset 'no-such-dataset'; expected one of [")).body("choices", hasItem(CALTECH));
        problem(with(ok, "model", "resnet9000"), 404).body("detail", startsWith("unknown model 'resnet9000'"))
                .body("choices", hasItem(V2));
        problem(with(ok, "layer", "conv99"), 404).body("detail",
                startsWith("unknown layer 'conv99' for model '" + Queries.TINY_MODEL + "'"));
        problem(with(ok, "metric", "hamming"), 400).body("detail", startsWith("unknown metric 'hamming'"))
                .body("choices", hasItem("braycurtis"));
        problem(with(ok, "k", 0), 400).body("detail", containsString("k"));
        problem(with(ok, "k", 1_000_000), 400).body("detail", containsString("from 1 to 1000"));
        problem(with(ok, "pooling", "median"), 400).body("detail", containsString("[avg, max, flatten]"));
        problem(with(ok, "queryId", "goldfish/nope.JPEG"), 404).body("detail", startsWith("unknown image 'goldfish/nope.JPEG'"));
        problem(with(ok, "queryId", null), 400).body("detail", startsWith("missing queryId"));
        problem(with(ok, "metric", "minkowski", "p", 0.5), 400).body("detail", containsString("p"));

        given().contentType(ContentType.JSON).body("{\"dataset\": ").post("/api/search/query").then().statusCode(400)
                .contentType("application/problem+json").body("detail", startsWith("malformed JSON"));
        given().contentType(ContentType.JSON).body("{\"k\": \"many\"}").post("/api/search/query").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("'k'"));
        given().contentType(ContentType.TEXT).body("cats").post("/api/search/query").then().statusCode(415)
                .contentType("application/problem+json");

        // uploads: empty, not an image, no file at all
        upload(new byte[0], ok, 400).body("detail", containsString("empty"));
        byte[] fakeJpeg = new byte[600];
        new java.util.Random(7).nextBytes(fakeJpeg);
        fakeJpeg[0] = (byte) 0xFF;
        fakeJpeg[1] = (byte) 0xD8;
        fakeJpeg[2] = (byte) 0xFF;
        fakeJpeg[598] = (byte) 0xFF;
        fakeJpeg[599] = (byte) 0xD9;
        upload(fakeJpeg, ok, 400).body("detail", containsString("corrupt"));
        upload("just text".getBytes(), ok, 400).body("detail", containsString("not an image"));
        given().multiPart("dataset", Queries.TINY_DATASET).multiPart("model", Queries.TINY_MODEL).multiPart("layer", layer)
                .post("/api/search/query-image").then().statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("missing image"));

        // vectors: wrong dimension, non-finite
        Map<String, Object> vq = with(ok, "queryId", null);
        vq.put("vector", new float[] {1, 2, 3});
        given().contentType(ContentType.JSON).body(vq).post("/api/search/query-vector").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("values, the dimension"));
        given().contentType(ContentType.JSON)
                .body("{\"dataset\":\"" + Queries.TINY_DATASET + "\",\"model\":\"" + Queries.TINY_MODEL + "\",\"layer\":\""
                        + layer + "\",\"vector\":[1,\"NaN\",3]}")
                .post("/api/search/query-vector").then().statusCode(400).contentType("application/problem+json");

        // and the service still answers
        assertEquals(5, Queries.query(ok).getList("hits").size());
    }

    /** Mistakes that need no collection are refused before one is built, with the problem they get afterwards. */
    @Test
    void wrongInputsBeforeTheCollectionExistsStartNoBuild() {
        String jobsBefore = given().get("/api/search/jobs").then().statusCode(200).extract().asString();
        Map<String, Object> unbuilt = Queries.body(Queries.TINY_DATASET, Queries.TINY_MODEL, "Conv2d_2_pointwise",
                "cosine", 5, "goldfish/nope.JPEG");
        problem(unbuilt, 404).body("detail", startsWith("unknown image 'goldfish/nope.JPEG'"))
                .body("detail", containsString(Queries.TINY_DATASET));
        problem(with(unbuilt, "queryId", "x".repeat(5000)), 400).body("detail", containsString("at most 1024 characters"));
        given().contentType(ContentType.JSON)
                .body("{\"dataset\":\"" + Queries.TINY_DATASET + "\",\"model\":\"" + Queries.TINY_MODEL
                        + "\",\"layer\":\"Conv2d_2_pointwise\",\"vector\":[1,\"NaN\",3]}")
                .post("/api/search/query-vector").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("finite"));
        upload("just text".getBytes(), with(unbuilt, "queryId", null), 400).body("detail", containsString("not an image"));
        // none of them started a build (or an update, had an earlier run of this test built the collection)
        String jobsAfter = given().get("/api/search/jobs").then().statusCode(200).extract().asString();
        assertEquals(jobsBefore.split("Conv2d_2_pointwise", -1).length, jobsAfter.split("Conv2d_2_pointwise", -1).length,
                "a job was started: " + jobsAfter);
    }

    @Test
    void storedVectorsAndCollectionsAreListed() {
        String layer = tinyEmbedding();
        Queries.query(Queries.body(Queries.TINY_DATASET, Queries.TINY_MODEL, layer, "cosine", 5, "goldfish/n01443537_0.JPEG"));
        given().get("/api/search/collections").then().statusCode(200)
                .body("find { it.dataset == 'tinyimagenet200' && it.layer == '" + layer + "' }.size", equalTo(200));
        given().get("/api/search/collections/" + Queries.TINY_DATASET + "/" + Queries.TINY_MODEL + "/" + layer
                + "/vectors/goldfish/n01443537_0.JPEG").then().statusCode(200)
                .body("id", equalTo("goldfish/n01443537_0.JPEG")).body("label", equalTo("goldfish"));
        given().get("/api/search/collections/" + Queries.TINY_DATASET + "/" + Queries.TINY_MODEL + "/conv99")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", startsWith("unknown collection"));
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    static String tinyEmbedding() {
        return "global_pool";
    }

    static float[] vector(String layer, String id) {
        List<Float> v = given().get("/api/search/collections/" + Queries.TINY_DATASET + "/" + Queries.TINY_MODEL + "/"
                + layer + "/vectors/" + id).then().statusCode(200).extract().jsonPath().getList("vector", Float.class);
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    static Map<String, Object> with(Map<String, Object> base, Object... keyValues) {
        Map<String, Object> copy = new HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            copy.put((String) keyValues[i], keyValues[i + 1]);
        }
        return copy;
    }

    static io.restassured.response.ValidatableResponse problem(Map<String, Object> body, int status) {
        return Queries.post(body).then().statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status));
    }

    static io.restassured.response.ValidatableResponse upload(byte[] bytes, Map<String, Object> q, int status) {
        return given().multiPart("image", "query.jpg", bytes, "image/jpeg")
                .multiPart("dataset", (String) q.get("dataset")).multiPart("model", (String) q.get("model"))
                .multiPart("layer", (String) q.get("layer")).multiPart("metric", "cosine")
                .post("/api/search/query-image").then().statusCode(status).contentType("application/problem+json");
    }

    static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
