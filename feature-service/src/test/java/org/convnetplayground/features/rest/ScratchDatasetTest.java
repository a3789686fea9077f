package org.convnetplayground.features.rest;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.features.FeatureTesting.API;
import static org.convnetplayground.features.FeatureTesting.TINY_MODEL;
import static org.convnetplayground.features.FeatureTesting.assertProblem;
import static org.convnetplayground.features.FeatureTesting.awaitFinal;
import static org.convnetplayground.features.FeatureTesting.awaitSucceeded;
import static org.convnetplayground.features.FeatureTesting.encode;
import static org.convnetplayground.features.FeatureTesting.noise;
import static org.convnetplayground.features.FeatureTesting.pngHeaderDeclaring;
import static org.convnetplayground.features.FeatureTesting.rgbImage;
import static org.convnetplayground.features.FeatureTesting.startExtraction;
import static org.convnetplayground.features.FeatureTesting.startedJob;
import static org.convnetplayground.features.FeatureTesting.vectors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.convnetplayground.features.CatalogService;
import org.junit.jupiter.api.Test;

/**
 * A datasets root built by the test, with what the shared datasets do not have: several formats, nested folders,
 * an unlabelled image, hidden files, non-images, symbolic links (to a file and to a folder outside the root), an
 * undecodable image, a dataset of only broken images, an empty one, and one that grows while the service runs.
 */
@QuarkusTest
@TestProfile(ScratchDatasetTest.Profile.class)
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class ScratchDatasetTest {

    /** Runs the service on the scratch datasets root. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ScratchDatasets.class));
        }
    }

    /** Writes the scratch datasets root before the service starts. */
    public static class ScratchDatasets implements QuarkusTestResourceLifecycleManager {
        static final Path BASE = Path.of("target/test-data/scratch").toAbsolutePath();
        static final Path ROOT = BASE.resolve("datasets");
        static final Path OUTSIDE = BASE.resolve("outside");

        @Override
        public Map<String, String> start() {
            try {
                deleteTree(BASE);
                byte[] png = encode(rgbImage(40, 30, (x, y) -> 0xCC3311), "png");
                write(OUTSIDE.resolve("real.png"), png);
                write(OUTSIDE.resolve("cats/z.png"), png);

                Path mixed = ROOT.resolve("mixed");
                write(mixed.resolve("cats/a.png"), png);
                write(mixed.resolve("cats/b.jpg"), encode(rgbImage(50, 40, (x, y) -> x << 16 | y << 8 | 90), "jpeg"));
                write(mixed.resolve("cats/.y.png"), png);
                write(mixed.resolve("cats/notes.txt"), "not an image".getBytes());
                Files.createSymbolicLink(mixed.resolve("cats/link.png"), OUTSIDE.resolve("real.png"));
                Files.createSymbolicLink(mixed.resolve("birds"), OUTSIDE.resolve("cats"));
                write(mixed.resolve("dogs/c.bmp"), encode(rgbImage(20, 20, (x, y) -> 0x2266AA), "bmp"));
                write(mixed.resolve("dogs/d.gif"), encode(rgbImage(30, 20, (x, y) -> 0x22AA66), "gif"));
                write(mixed.resolve("dogs/broken.jpg"), noise(3000, 11));
                write(mixed.resolve("dogs/puppies/e.tiff"), encode(rgbImage(25, 35, (x, y) -> 0x8844CC), "tiff"));
                write(mixed.resolve("top.png"), png);
                write(mixed.resolve(".hidden/x.png"), png);

                write(ROOT.resolve("all-broken/x/one.jpg"), noise(500, 12));
                write(ROOT.resolve("all-broken/x/two.png"), pngHeaderDeclaring(20000, 20000));
                write(ROOT.resolve("empty/x/readme.txt"), "nothing here".getBytes());
                write(ROOT.resolve("growing/a/one.png"), png);
                write(ROOT.resolve(".secret/a/one.png"), png);
                Files.createSymbolicLink(ROOT.resolve("linked"), OUTSIDE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("cnp.features.datasets-dir", ROOT.toString());
        }

        @Override
        public void stop() {
            // left on disk for inspection; rewritten on the next run
        }

        static void write(Path file, byte[] bytes) throws IOException {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        }

        static void deleteTree(Path root) throws IOException {
            if (!Files.exists(root)) {
                return;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static final List<String> MIXED_IMAGES = List.of("cats/a.png", "cats/b.jpg", "dogs/broken.jpg", "dogs/c.bmp",
            "dogs/d.gif", "dogs/puppies/e.tiff", "top.png");

    @Test
    void hiddenFoldersAndLinkedFoldersAreNotDatasets() {
        assertEquals(List.of("all-broken", "empty", "growing", "mixed"),
                given().when().get(API + "/datasets").then().statusCode(200).extract().jsonPath().getList("id"));
        assertProblem(given().when().get(API + "/datasets/linked"), 404, "'linked'", "mixed");
        assertProblem(given().when().get(API + "/datasets/.secret"), 404, "'.secret'");
    }

    @Test
    void everyFormatAndNestingIsListedButNotHiddenFilesNonImagesOrLinks() {
        JsonPath mixed = given().when().get(API + "/datasets/mixed").then().statusCode(200).extract().jsonPath();
        assertEquals(7, mixed.getInt("imageCount"));
        assertEquals(List.of("cats", "dogs"), mixed.getList("classes"));
        assertEquals(Map.of("cats", 2, "dogs", 4), mixed.getMap("classCounts"));
        assertEquals(1, mixed.getInt("unlabeled"));

        JsonPath page = given().queryParam("limit", 100).when().get(API + "/datasets/mixed/images")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(MIXED_IMAGES, page.getList("items.id"));
        assertEquals("dogs", page.getString("items.find { it.id == 'dogs/puppies/e.tiff' }.label"));
        assertNull(page.getString("items.find { it.id == 'top.png' }.label"));

        for (String notServed : List.of("cats/link.png", "birds/z.png", "cats/.y.png", ".hidden/x.png", "cats/notes.txt")) {
            assertProblem(given().when().get(API + "/datasets/mixed/images/" + notServed), 404, "'" + notServed + "'");
        }
        assertEquals("image/png", given().when().get(API + "/datasets/mixed/images/top.png").then().statusCode(200)
                .extract().contentType());
        assertEquals("image/tiff", given().when().get(API + "/datasets/mixed/images/dogs/puppies/e.tiff").then()
                .statusCode(200).extract().contentType());
    }

    @Test
    void aThumbnailOfAnUndecodableFileIsA400Problem() {
        assertProblem(given().when().get(API + "/datasets/mixed/thumbnails/dogs/broken.jpg"), 400, "'dogs/broken.jpg'",
                "not an image");
        given().when().get(API + "/datasets/mixed/thumbnails/dogs/d.gif").then().statusCode(200).contentType("image/jpeg");
    }

    @Test
    void extractionSkipsUndecodableImagesAndSaysWhy() {
        String id = startedJob("mixed", TINY_MODEL, List.of("global_pool"), "avg");
        JsonPath done = awaitSucceeded(id, Duration.ofSeconds(60));
        List<String> usable = MIXED_IMAGES.stream().filter(i -> !i.equals("dogs/broken.jpg")).toList();
        assertEquals(usable, done.getList("result.items.id"));
        assertEquals(List.of("dogs/broken.jpg"), done.getList("result.skipped.id"));
        String reason = done.getString("result.skipped[0].reason");
        assertTrue(reason.contains("dogs/broken.jpg") && reason.contains("not an image"), reason);
        assertEquals(7, done.getInt("total"));

        float[][] rows = vectors(id, "global_pool");
        assertEquals(6, rows.length);
        // rows follow the items, skipping the broken one: cats/a.png and top.png are the same picture
        assertArrayEquals(rows[0], rows[5], 1e-6f);
        assertNotEquals(rows[0][0], rows[1][0]);
    }

    @Test
    void aDatasetWithNoUsableImageFailsItsJobWithTheFirstReason() {
        String id = startedJob("all-broken", TINY_MODEL, List.of("global_pool"), "avg");
        JsonPath failed = awaitFinal(id, Duration.ofSeconds(60));
        assertEquals("failed", failed.getString("state"));
        String detail = failed.getString("error.detail");
        assertTrue(detail.contains("'all-broken'") && detail.contains("x/one.jpg"), detail);
        assertFalse(failed.prettify().contains("Exception"), failed.prettify());
        assertProblem(given().queryParam("layer", "global_pool").when().get(API + "/extractions/" + id + "/vectors"),
                409, "failed");
    }

    @Test
    void aDatasetWithoutImagesCannotBeExtracted() {
        assertEquals(0, given().when().get(API + "/datasets/empty").then().statusCode(200).extract().jsonPath()
                .getInt("imageCount"));
        assertProblem(startExtraction("empty", TINY_MODEL, List.of(), null), 400, "'empty'", "no images");
    }

    @Test
    void imagesAddedOnDiskShowUpWithANewVersion() throws IOException {
        JsonPath before = given().when().get(API + "/datasets/growing").then().statusCode(200).extract().jsonPath();
        assertEquals(1, before.getInt("imageCount"));
        Path added = ScratchDatasets.ROOT.resolve("growing/a/two.png");
        ScratchDatasets.write(added, encode(rgbImage(8, 8, (x, y) -> 0), "png"));
        try {
            JsonPath after = given().when().get(API + "/datasets/growing").then().statusCode(200).extract().jsonPath();
            assertEquals(2, after.getInt("imageCount"));
            assertNotEquals(before.getString("version"), after.getString("version"));
            assertEquals(List.of("a/one.png", "a/two.png"), given().when().get(API + "/datasets/growing/images")
                    .then().statusCode(200).extract().jsonPath().getList("items.id"));
        } finally {
            Files.delete(added);
        }
        JsonPath removed = given().when().get(API + "/datasets/growing").then().statusCode(200).extract().jsonPath();
        assertEquals(1, removed.getInt("imageCount"));
    }
}
