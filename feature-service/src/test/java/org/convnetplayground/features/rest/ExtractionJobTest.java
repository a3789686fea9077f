package org.convnetplayground.features.rest;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.features.FeatureTesting.API;
import static org.convnetplayground.features.FeatureTesting.MOBILENET_V2;
import static org.convnetplayground.features.FeatureTesting.TINYIMAGENET;
import static org.convnetplayground.features.FeatureTesting.TINY_MODEL;
import static org.convnetplayground.features.FeatureTesting.assertProblem;
import static org.convnetplayground.features.FeatureTesting.await;
import static org.convnetplayground.features.FeatureTesting.awaitSucceeded;
import static org.convnetplayground.features.FeatureTesting.datasetDir;
import static org.convnetplayground.features.FeatureTesting.embed;
import static org.convnetplayground.features.FeatureTesting.imageIdsOnDisk;
import static org.convnetplayground.features.FeatureTesting.job;
import static org.convnetplayground.features.FeatureTesting.labelOf;
import static org.convnetplayground.features.FeatureTesting.layerVector;
import static org.convnetplayground.features.FeatureTesting.read;
import static org.convnetplayground.features.FeatureTesting.startExtraction;
import static org.convnetplayground.features.FeatureTesting.startedJob;
import static org.convnetplayground.features.FeatureTesting.vectors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.convnetplayground.features.CatalogService;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Extraction jobs end to end with the tiny real model: two layers in one pass over a 200-image dataset, the vectors
 * payload, equality with the single-image path, joining identical requests, cancelling, and the error cases.
 */
@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class ExtractionJobTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @ConfigProperty(name = "quarkus.rest-client.catalog.url")
    String catalogUrl;

    private JsonPath catalogModel(String model) {
        return given().when().get(catalogUrl + "/api/catalog/models/" + model).then().statusCode(200).extract().jsonPath();
    }

    /** Output channels of each layer, from the catalog's layer table ([batch, channels, h, w]). */
    private Map<String, Integer> catalogChannels(String model, List<String> layers) {
        JsonPath table = given().when().get(catalogUrl + "/api/catalog/models/" + model + "/layers")
                .then().statusCode(200).extract().jsonPath();
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String layer : layers) {
            List<Integer> shape = table.getList("find { it.name == '" + layer + "' }.outputShape", Integer.class);
            out.put(layer, shape.get(1));
        }
        return out;
    }

    @Test
    void extractsTwoLayersInOnePassAndMatchesTheSingleImagePath() {
        JsonPath model = catalogModel(TINY_MODEL);
        String embedding = model.getString("embeddingLayer");
        String early = model.getList("featureLayers", String.class).get(1);
        assertNotEquals(embedding, early);
        List<String> layers = List.of(embedding, early);
        Map<String, Integer> channels = catalogChannels(TINY_MODEL, layers);

        Response started = startExtraction(TINYIMAGENET, TINY_MODEL, layers, "avg");
        assertEquals(202, started.statusCode(), started.asString());
        String id = started.jsonPath().getString("id");
        assertEquals("/api/features/extractions/" + id, started.jsonPath().getString("job"));
        assertTrue(started.header("Location").endsWith("/api/features/extractions/" + id), started.header("Location"));
        assertTrue(List.of("queued", "running").contains(started.jsonPath().getString("state")));

        JsonPath done = awaitSucceeded(id, DEADLINE);
        assertEquals(1.0, done.getDouble("progress"));
        assertTrue(done.getString("startedAt") != null && done.getString("finishedAt") != null, done.prettify());
        assertTrue(done.getString("message").contains("200"), done.getString("message"));
        assertEquals(200, done.getInt("done"));
        assertEquals(200, done.getInt("total"));

        JsonPath dataset = given().when().get(API + "/datasets/" + TINYIMAGENET).then().statusCode(200).extract().jsonPath();
        assertEquals(TINYIMAGENET, done.getString("result.dataset"));
        assertEquals(dataset.getString("version"), done.getString("result.datasetVersion"));
        assertEquals(TINY_MODEL, done.getString("result.model"));
        assertEquals(model.getString("sha256"), done.getString("result.modelSha256"));
        assertEquals("avg", done.getString("result.pooling"));
        assertEquals(layers, done.getList("result.layers.name", String.class));
        assertEquals(List.copyOf(channels.values()), done.getList("result.layers.dimension", Integer.class));
        List<String> expectedIds = imageIdsOnDisk(TINYIMAGENET);
        assertEquals(200, expectedIds.size());
        assertEquals(expectedIds, done.getList("result.items.id", String.class), "every image, in dataset order");
        assertEquals(expectedIds.stream().map(i -> labelOf(i)).toList(), done.getList("result.items.label", String.class));
        assertEquals(List.of(), done.getList("result.skipped"), "the two greyscale JPEGs are not skipped");
        assertTrue(done.getDouble("result.imagesPerSecond") > 0);

        float[][] pooled = vectors(id, embedding);
        float[][] earlyVectors = vectors(id, early);
        assertEquals(200, pooled.length);
        assertEquals(channels.get(embedding), pooled[0].length);
        assertEquals(channels.get(early), earlyVectors[0].length);
        for (float[][] rows : List.of(pooled, earlyVectors)) {
            for (float[] row : rows) {
                for (float v : row) {
                    // both layers end in ReLU6, so their averages lie in [0, 6]
                    assertTrue(Float.isFinite(v) && v >= 0 && v <= 6, "value " + v);
                }
            }
        }
        assertNotEquals(Arrays.toString(pooled[0]), Arrays.toString(pooled[1]), "images differ");

        // the batch pipeline gives what one upload gives, for images in the first, a middle and the last batch
        // (batches of 16: 200 = 12 x 16 + 8)
        for (int row : new int[] {0, 37, 199}) {
            String imageId = expectedIds.get(row);
            JsonPath single = embed(read(datasetDir(TINYIMAGENET).resolve(imageId)), imageId, TINY_MODEL,
                    String.join(",", layers), "avg").then().statusCode(200).extract().jsonPath();
            assertClose(layerVector(single, embedding), pooled[row], imageId + " " + embedding);
            assertClose(layerVector(single, early), earlyVectors[row], imageId + " " + early);
        }

        assertTrue(given().when().get(API + "/extractions").then().statusCode(200).extract().jsonPath()
                .getList("id", String.class).contains(id), "listed among recent jobs");

        assertProblem(given().when().get(API + "/extractions/" + id + "/vectors"), 400, "layer", embedding, early);
        assertProblem(given().queryParam("layer", "Conv2d_13_pointwise").when().get(API + "/extractions/" + id + "/vectors"),
                404, "'Conv2d_13_pointwise'", embedding, early);

        given().when().delete(API + "/extractions/" + id).then().statusCode(204);
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f, what + " value " + i);
        }
    }

    @Test
    void anIdenticalRequestJoinsTheJobAndUnfinishedJobsHaveNoVectors() {
        // Jobs run one at a time: a long job in front keeps the next one queued while we look at it.
        String blocker = startedJob("tinyimagenet-val4000", TINY_MODEL, List.of("global_pool"), "max");
        String queued = startedJob(TINYIMAGENET, TINY_MODEL, List.of("Conv2d_0", "global_pool"), "max");
        assertNotEquals(blocker, queued);
        assertEquals(queued, startedJob(TINYIMAGENET, TINY_MODEL, List.of("Conv2d_0", "global_pool"), "max"),
                "an identical request joins the job in flight");
        assertEquals(queued, startedJob(TINYIMAGENET, TINY_MODEL, List.of("global_pool", "Conv2d_0"), "MAX"),
                "the same layer set and pooling, spelled differently, is the same job");

        assertEquals("queued", job(queued).getString("state"));
        assertProblem(given().queryParam("layer", "global_pool").when().get(API + "/extractions/" + queued + "/vectors"),
                409, queued, "queued");
        Response blockerVectors = given().queryParam("layer", "global_pool").when().get(API + "/extractions/" + blocker + "/vectors");
        assertProblem(blockerVectors, 409, blocker);

        // cancel both: the queued job never runs, the running one stops between batches
        given().when().delete(API + "/extractions/" + queued).then().statusCode(204);
        given().when().delete(API + "/extractions/" + blocker).then().statusCode(204);
        JsonPath cancelledQueued = awaitGoneOrFinal(queued);
        JsonPath cancelledRunning = awaitGoneOrFinal(blocker);
        if (cancelledQueued != null) {
            assertEquals("cancelled", cancelledQueued.getString("state"));
            assertEquals(0, cancelledQueued.getInt("done"));
        }
        if (cancelledRunning != null) {
            assertEquals("cancelled", cancelledRunning.getString("state"));
            assertTrue(cancelledRunning.getInt("done") < 4000, "stopped early: " + cancelledRunning.getInt("done"));
        }
        Response afterCancel = given().queryParam("layer", "global_pool").when().get(API + "/extractions/" + blocker + "/vectors");
        assertTrue(afterCancel.statusCode() == 404 || afterCancel.statusCode() == 409, afterCancel.asString());
        assertProblem(afterCancel, afterCancel.statusCode(), blocker);

        // with nothing in flight, the same request starts a new job
        String again = startedJob(TINYIMAGENET, TINY_MODEL, List.of("Conv2d_0", "global_pool"), "max");
        assertNotEquals(queued, again);
        given().when().delete(API + "/extractions/" + again).then().statusCode(204);
        awaitGoneOrFinal(again);
    }

    @Test
    void rowsArriveWhileTheJobRunsAndTheirVectorsAreTheFinalOnes() {
        String embedding = catalogModel(TINY_MODEL).getString("embeddingLayer");
        String id = startedJob(TINYIMAGENET, TINY_MODEL, List.of(embedding), "max");
        // take the rows as they come, as the search-service does: each answer at once when there are new rows or the
        // job has ended (long-poll), each chunk of vectors fetched by range while the job may still run
        List<String> ids = new java.util.ArrayList<>();
        java.io.ByteArrayOutputStream taken = new java.io.ByteArrayOutputStream();
        JsonPath rows;
        java.time.Instant deadline = java.time.Instant.now().plus(DEADLINE);
        while (true) {
            assertTrue(java.time.Instant.now().isBefore(deadline), "the job did not end in " + DEADLINE);
            rows = given().queryParam("from", ids.size()).queryParam("wait", 10_000).when()
                    .get(API + "/extractions/" + id + "/rows").then().statusCode(200).extract().jsonPath();
            List<String> chunk = rows.getList("items.id", String.class);
            assertEquals(ids.size(), rows.getInt("from"));
            if (!chunk.isEmpty()) {
                Response v = given().queryParam("layer", embedding).queryParam("from", ids.size())
                        .queryParam("count", chunk.size()).when().get(API + "/extractions/" + id + "/vectors");
                assertEquals(200, v.statusCode(), v.asString());
                assertEquals(String.valueOf(ids.size()), v.header("X-Vector-From"));
                assertEquals(String.valueOf(chunk.size()), v.header("X-Vector-Count"));
                taken.writeBytes(v.asByteArray());
                ids.addAll(chunk);
            } else if (List.of("succeeded", "failed", "cancelled").contains(rows.getString("state"))) {
                break;
            }
        }
        assertEquals("succeeded", rows.getString("state"));
        assertEquals(ids.size(), rows.getInt("rows"));
        assertEquals(embedding, rows.getString("layers[0].name"));

        // the rows are the result's items in its order, and their vectors the whole layer's, byte for byte
        JsonPath done = job(id);
        assertEquals(done.getList("result.items.id", String.class), ids);
        Response whole = given().queryParam("layer", embedding).when().get(API + "/extractions/" + id + "/vectors");
        assertArrayEquals(whole.asByteArray(), taken.toByteArray());

        // ranges of a finished job, and asking beyond what is written
        int dim = done.getInt("result.layers[0].dimension");
        Response tail = given().queryParam("layer", embedding).queryParam("from", ids.size() - 3).when()
                .get(API + "/extractions/" + id + "/vectors");
        assertEquals(3L * dim * Float.BYTES, tail.asByteArray().length);
        assertProblem(given().queryParam("layer", embedding).queryParam("from", ids.size()).queryParam("count", 1)
                .when().get(API + "/extractions/" + id + "/vectors"), 409, "not written");
        assertProblem(given().queryParam("layer", embedding).queryParam("from", -1).when()
                .get(API + "/extractions/" + id + "/vectors"), 400, "from", "-1");
        assertProblem(given().queryParam("from", 0).queryParam("count", 1).when()
                .get(API + "/extractions/" + id + "/vectors"), 400, "layer", embedding);
        assertProblem(given().queryParam("layer", "conv99").queryParam("from", 0).when()
                .get(API + "/extractions/" + id + "/vectors"), 404, "conv99");
        assertProblem(given().queryParam("from", -5).when().get(API + "/extractions/" + id + "/rows"), 400, "from");
        assertProblem(given().queryParam("limit", 0).when().get(API + "/extractions/" + id + "/rows"), 400, "limit");
        assertProblem(given().queryParam("wait", -1).when().get(API + "/extractions/" + id + "/rows"), 400, "wait");
        assertProblem(given().when().get(API + "/extractions/no-such-job/rows"), 404, "no-such-job");

        // a limit pages through the rows; an ended job answers at once, whatever the wait
        JsonPath page = given().queryParam("from", 5).queryParam("limit", 2).queryParam("wait", 10_000).when()
                .get(API + "/extractions/" + id + "/rows").then().statusCode(200).extract().jsonPath();
        assertEquals(ids.subList(5, 7), page.getList("items.id", String.class));
        given().when().delete(API + "/extractions/" + id).then().statusCode(204);
        assertProblem(given().when().get(API + "/extractions/" + id + "/rows"), 404, id);
    }

    @Test
    void anImageOfADatasetEmbedsAsInItsExtraction() {
        String embedding = catalogModel(TINY_MODEL).getString("embeddingLayer");
        String imageId = imageIdsOnDisk(TINYIMAGENET).get(7);
        JsonPath byId = given().contentType("multipart/form-data").multiPart("dataset", TINYIMAGENET)
                .multiPart("imageId", imageId).multiPart("model", TINY_MODEL).multiPart("layers", embedding)
                .when().post(API + "/embeddings").then().statusCode(200).extract().jsonPath();
        JsonPath byUpload = embed(read(datasetDir(TINYIMAGENET).resolve(imageId)), "x.jpg", TINY_MODEL, embedding,
                null).then().statusCode(200).extract().jsonPath();
        assertArrayEquals(layerVector(byUpload, embedding), layerVector(byId, embedding));
        assertProblem(given().contentType("multipart/form-data").multiPart("dataset", TINYIMAGENET)
                .multiPart("imageId", "goldfish/none.JPEG").multiPart("model", TINY_MODEL).when()
                .post(API + "/embeddings"), 404, "goldfish/none.JPEG", TINYIMAGENET);
        assertProblem(given().contentType("multipart/form-data").multiPart("imageId", imageId)
                .multiPart("model", TINY_MODEL).when().post(API + "/embeddings"), 400, "dataset");
    }

    /** Polls until a job is final (returns it) or forgotten (returns null). */
    private static JsonPath awaitGoneOrFinal(String id) {
        Response last = await("extraction " + id + " to end or be forgotten", DEADLINE,
                () -> given().when().get(API + "/extractions/" + id),
                r -> r.statusCode() == 404 || List.of("succeeded", "failed", "cancelled").contains(r.jsonPath().getString("state")));
        return last.statusCode() == 404 ? null : last.jsonPath();
    }

    @Test
    void deletingAFinishedJobForgetsIt() {
        String id = startedJob(TINYIMAGENET, TINY_MODEL, List.of("Conv2d_13_pointwise"), "avg");
        awaitSucceeded(id, DEADLINE);
        given().when().delete(API + "/extractions/" + id).then().statusCode(204);
        assertProblem(given().when().get(API + "/extractions/" + id), 404, id);
        assertTrue(!given().when().get(API + "/extractions").then().extract().jsonPath().getList("id").contains(id));
    }

    @Test
    void vectorsOfADeletedJobAnswerPromptlyWith404() throws Exception {
        String id = startedJob(TINYIMAGENET, TINY_MODEL, List.of("Conv2d_11_pointwise"), "avg");
        awaitSucceeded(id, DEADLINE);
        assertEquals(200, vectors(id, "Conv2d_11_pointwise").length);
        given().when().delete(API + "/extractions/" + id).then().statusCode(204);
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                        + API + "/extractions/" + id + "/vectors?layer=Conv2d_11_pointwise"))
                        .timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }

    @Test
    void unknownJobsAre404Problems() {
        String id = "00000000-0000-0000-0000-000000000000";
        assertProblem(given().when().get(API + "/extractions/" + id), 404, "'" + id + "'", "/api/features/extractions");
        assertProblem(given().queryParam("layer", "global_pool").when().get(API + "/extractions/" + id + "/vectors"), 404, id);
        assertProblem(given().when().delete(API + "/extractions/" + id), 404, id);
    }

    @Test
    void badRequestsAreProblemsNamingTheBadValue() {
        int jobsBefore = given().when().get(API + "/extractions").then().statusCode(200).extract().jsonPath().getList("id").size();
        assertProblem(startExtraction("imagenet-full", TINY_MODEL, List.of(), null), 404, "'imagenet-full'", TINYIMAGENET);
        assertProblem(startExtraction(TINYIMAGENET, "resnet9000", List.of(), null), 404, "'resnet9000'", TINY_MODEL,
                MOBILENET_V2);
        JsonPath layer = assertProblem(startExtraction(TINYIMAGENET, TINY_MODEL, List.of("global_pool", "conv99"), null),
                404, "'conv99'", "'" + TINY_MODEL + "'", "Conv2d_0", "global_pool");
        assertEquals(catalogModel(TINY_MODEL).getList("featureLayers"), layer.getList("choices"));
        assertProblem(startExtraction(TINYIMAGENET, TINY_MODEL, List.of(), "median"), 400, "'median'", "[avg, max, flatten]");
        // MobileNet v2's first layer is 32 x 112 x 112 = 401408 values, over the 200000 limit of flatten
        assertProblem(startExtraction(TINYIMAGENET, MOBILENET_V2, List.of("Conv2d_0"), "flatten"), 400, "'flatten'",
                "401408", "200000");
        assertProblem(startExtraction(null, TINY_MODEL, List.of(), null), 400, "dataset");
        assertProblem(startExtraction(TINYIMAGENET, null, List.of(), null), 400, "model");
        assertProblem(given().contentType("application/json").body("{\"dataset\": ").when().post(API + "/extractions"),
                400, "JSON");
        assertProblem(given().contentType("application/json").body("{\"dataset\": \"" + TINYIMAGENET + "\", \"layers\": 7}")
                .when().post(API + "/extractions"), 400, "layers");
        assertProblem(given().contentType("text/plain").body("dataset=" + TINYIMAGENET).when().post(API + "/extractions"),
                415, "text/plain");
        assertEquals(jobsBefore, given().when().get(API + "/extractions").then().statusCode(200).extract().jsonPath()
                .getList("id").size(), "none of these started a job");
    }
}
