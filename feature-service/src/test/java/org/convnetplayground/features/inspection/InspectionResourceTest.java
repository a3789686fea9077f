package org.convnetplayground.features.inspection;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.features.FeatureTesting.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.convnetplayground.features.CatalogService;
import org.convnetplayground.features.FeatureTesting;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class InspectionResourceTest {

    static final String API = "/api/features";
    static final String V2 = "mobilenet_v2_1.0_224";
    static final String TINY = "mobilenet_v1_0.25_128";

    @Test
    void mostElephantPhotosHaveAnElephantClassInTheirTopFive() throws Exception {
        List<Path> photos;
        try (Stream<Path> files = Files.list(FeatureTesting.datasetDir(FeatureTesting.CALTECH).resolve("elephant"))) {
            photos = files.sorted().toList();
        }
        int withElephant = 0;
        for (Path photo : photos) {
            List<String> labels = given().multiPart("image", photo.toFile(), "image/jpeg").multiPart("model", V2)
                    .post(API + "/predictions").then().statusCode(200).extract().jsonPath().getList("predictions.label");
            assertEquals(5, labels.size());
            if (labels.stream().anyMatch(l -> l.contains("elephant") || l.startsWith("tusker"))) {
                withElephant++;
            }
        }
        assertTrue(withElephant > photos.size() / 2, withElephant + " of " + photos.size() + " have an elephant class");
        JsonPath one = given().multiPart("image", FeatureTesting.ELEPHANT.toFile(), "image/jpeg").multiPart("model", V2)
                .multiPart("k", "3").post(API + "/predictions").then().statusCode(200).extract().jsonPath();
        List<Float> p = one.getList("predictions.probability", Float.class);
        assertEquals(3, p.size());
        assertTrue(p.get(0) >= p.get(1) && p.get(1) >= p.get(2) && p.get(0) <= 1, p.toString());
    }

    @Test
    void predictionErrorsAreProblems() {
        assertProblem(given().multiPart("image", FeatureTesting.ELEPHANT.toFile(), "image/jpeg")
                .multiPart("model", "resnet50_v2_stage3").post(API + "/predictions"), 400, "feature extractor");
        assertProblem(given().multiPart("image", FeatureTesting.ELEPHANT.toFile(), "image/jpeg")
                .multiPart("model", V2).multiPart("k", "0").post(API + "/predictions"), 400, "from 1 to 1000");
        assertProblem(given().multiPart("image", "x.jpg", "not an image".getBytes(), "image/jpeg")
                .multiPart("model", V2).post(API + "/predictions"), 400, "not an image");
        assertProblem(given().multiPart("image", FeatureTesting.ELEPHANT.toFile(), "image/jpeg")
                .multiPart("model", "nope").post(API + "/predictions"), 404, "unknown model 'nope'");
    }

    @Test
    void activationMapsListEveryChannelStrongestFirstAndDrawTheStrongest() {
        JsonPath a = given().multiPart("image", FeatureTesting.ELEPHANT.toFile(), "image/jpeg").multiPart("model", TINY)
                .multiPart("layer", "Conv2d_5_pointwise").multiPart("top", "9")
                .post(API + "/activations").then().statusCode(200).extract().jsonPath();
        List<Float> means = a.getList("channels.mean", Float.class);
        assertEquals(a.getInt("shape[1]"), means.size());
        for (int i = 1; i < means.size(); i++) {
            assertTrue(means.get(i - 1) >= means.get(i));
        }
        assertEquals(3, a.getInt("columns"));
        byte[] png = given().multiPart("image", FeatureTesting.ELEPHANT.toFile(), "image/jpeg").multiPart("model", TINY)
                .multiPart("layer", "Conv2d_5_pointwise").multiPart("top", "9").multiPart("format", "png")
                .post(API + "/activations").then().statusCode(200).contentType("image/png").extract().asByteArray();
        BufferedImage grid = FeatureTesting.decode(png);
        int cell = a.getInt("cell");
        assertEquals(3 * cell + 2 * 2, grid.getWidth());
        assertProblem(given().multiPart("image", FeatureTesting.ELEPHANT.toFile(), "image/jpeg").multiPart("model", TINY)
                .multiPart("layer", "logits").post(API + "/activations"), 400, "4-D");
        assertProblem(given().multiPart("image", FeatureTesting.ELEPHANT.toFile(), "image/jpeg").multiPart("model", TINY)
                .multiPart("layer", "conv99").post(API + "/activations"), 404, "unknown layer 'conv99'");
    }

    @Test
    void channelExamplesAreTheImagesWithTheHighestMeanActivation() {
        String layer = "Conv2d_5_pointwise";
        int channel = 17;
        Map<String, Object> request = Map.of("dataset", "tinyimagenet200", "model", TINY, "layer", layer,
                "channel", channel, "k", 9);
        Response first = given().contentType(ContentType.JSON).body(request).post(API + "/channel-examples");
        if (first.statusCode() == 202) {
            String job = first.jsonPath().getString("job");
            FeatureTesting.await("channel indexing", Duration.ofMinutes(3), () -> given().get(job).jsonPath(),
                    j -> "succeeded".equals(j.getString("state")));
        }
        JsonPath examples = given().contentType(ContentType.JSON).body(request).post(API + "/channel-examples")
                .then().statusCode(200).extract().jsonPath();
        List<String> ids = examples.getList("examples.id");
        assertEquals(9, ids.size());

        // independently: average-pooled vectors are the channel means; rank the images by this channel's mean
        String job = FeatureTesting.startedJob("tinyimagenet200", TINY, List.of(layer), "avg");
        JsonPath done = FeatureTesting.awaitSucceeded(job, Duration.ofMinutes(3));
        List<String> items = done.getList("result.items.id");
        float[][] v = FeatureTesting.vectors(job, layer);
        List<String> expected = IntStream.range(0, items.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer r) -> -v[r][channel]).thenComparing(items::get))
                .limit(9).map(items::get).toList();
        assertEquals(expected, ids);
        List<Float> activations = examples.getList("examples.activation", Float.class);
        assertEquals(v[items.indexOf(ids.get(0))][channel], activations.get(0), 1e-4);
        List<Integer> box = examples.getList("examples[0].box", Integer.class);
        List<Integer> size = examples.getList("examples[0].imageSize", Integer.class);
        assertTrue(box.get(0) >= 0 && box.get(1) >= 0 && box.get(0) + box.get(2) <= size.get(0)
                && box.get(1) + box.get(3) <= size.get(1), "box " + box + " inside " + size);

        assertProblem(given().contentType(ContentType.JSON).body(Map.of("dataset", "tinyimagenet200", "model", TINY,
                "layer", layer, "channel", 4096)).post(API + "/channel-examples"), 400, "from 0 to");
        assertProblem(given().contentType(ContentType.JSON).body(Map.of("dataset", "tinyimagenet200", "model", TINY,
                "layer", "conv99", "channel", 1)).post(API + "/channel-examples"), 404, "unknown layer 'conv99'");
    }

    @Test
    void occlusionOfAnImageAgainstItselfIsBrightestOnItsContent() {
        // a white square on black: hiding the square changes the embedding, hiding black background does not
        BufferedImage image = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 224, 224);
        g.setColor(Color.WHITE);
        g.fillRect(40, 100, 80, 80);
        g.dispose();
        byte[] png = FeatureTesting.encode(image, "png");
        byte[] map = given().multiPart("image", "square.png", png, "image/png")
                .multiPart("reference", "square.png", png, "image/png").multiPart("model", V2)
                .multiPart("layer", "global_pool").post(API + "/occlusion")
                .then().statusCode(200).contentType("image/png").extract().asByteArray();
        BufferedImage heat = FeatureTesting.decode(map);
        assertEquals(224, heat.getWidth());
        double inside = 0;
        double outside = 0;
        int in = 0;
        int out = 0;
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                int alpha = heat.getRGB(x, y) >>> 24;
                if (x >= 40 && x < 120 && y >= 100 && y < 180) {
                    inside += alpha;
                    in++;
                } else {
                    outside += alpha;
                    out++;
                }
            }
        }
        assertTrue(inside / in > 2 * (outside / out), "inside " + inside / in + " vs outside " + outside / out);
        assertProblem(given().multiPart("image", "square.png", png, "image/png").multiPart("model", V2)
                .multiPart("layer", "global_pool").post(API + "/occlusion"), 400, "missing reference");
        assertProblem(given().multiPart("image", "square.png", png, "image/png")
                .multiPart("reference", "square.png", png, "image/png").multiPart("model", V2)
                .multiPart("layer", "global_pool").multiPart("patch", "0.9").post(API + "/occlusion"), 400, "patch");
    }

    @Test
    void datasetImagesAreInspectedByIdWithoutSendingTheirBytes() {
        String elephant = "elephant/image_0001.jpg";
        String other = "elephant/image_0002.jpg";
        java.nio.file.Path otherFile = FeatureTesting.datasetDir(FeatureTesting.CALTECH).resolve(other);
        // the same answers as for the uploaded file
        assertEquals(given().multiPart("image", FeatureTesting.ELEPHANT.toFile(), "image/jpeg").multiPart("model", V2)
                        .post(API + "/predictions").then().statusCode(200).extract().jsonPath().getList("predictions"),
                given().multiPart("dataset", FeatureTesting.CALTECH).multiPart("imageId", elephant).multiPart("model", V2)
                        .post(API + "/predictions").then().statusCode(200).extract().jsonPath().getList("predictions"));
        assertEquals(given().multiPart("image", FeatureTesting.ELEPHANT.toFile(), "image/jpeg").multiPart("model", TINY)
                        .multiPart("layer", "Conv2d_5_pointwise").post(API + "/activations").then().statusCode(200)
                        .extract().jsonPath().getList("channels"),
                given().multiPart("dataset", FeatureTesting.CALTECH).multiPart("imageId", elephant).multiPart("model", TINY)
                        .multiPart("layer", "Conv2d_5_pointwise").post(API + "/activations").then().statusCode(200)
                        .extract().jsonPath().getList("channels"));
        byte[] uploaded = given().multiPart("image", otherFile.toFile(), "image/jpeg")
                .multiPart("reference", FeatureTesting.ELEPHANT.toFile(), "image/jpeg").multiPart("model", TINY)
                .multiPart("layer", "global_pool").post(API + "/occlusion").then().statusCode(200).extract().asByteArray();
        byte[] byId = given().multiPart("dataset", FeatureTesting.CALTECH).multiPart("imageId", other)
                .multiPart("referenceId", elephant).multiPart("model", TINY)
                .multiPart("layer", "global_pool").post(API + "/occlusion").then().statusCode(200).extract().asByteArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(uploaded, byId, "the same occlusion map");

        assertProblem(given().multiPart("model", V2).post(API + "/predictions"), 400, "'imageId'");
        assertProblem(given().multiPart("imageId", elephant).multiPart("model", V2).post(API + "/predictions"), 400,
                "missing dataset");
        assertProblem(given().multiPart("dataset", FeatureTesting.CALTECH).multiPart("imageId", "elephant/nope.jpg")
                .multiPart("model", V2).post(API + "/predictions"), 404, "elephant/nope.jpg");
        assertProblem(given().multiPart("dataset", "nope").multiPart("imageId", elephant)
                .multiPart("model", V2).post(API + "/predictions"), 404, "unknown dataset 'nope'");
    }
}
