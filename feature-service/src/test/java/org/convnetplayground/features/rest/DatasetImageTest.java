package org.convnetplayground.features.rest;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.features.FeatureTesting.API;
import static org.convnetplayground.features.FeatureTesting.CALTECH;
import static org.convnetplayground.features.FeatureTesting.PROBLEM_JSON;
import static org.convnetplayground.features.FeatureTesting.TINYIMAGENET;
import static org.convnetplayground.features.FeatureTesting.assertProblem;
import static org.convnetplayground.features.FeatureTesting.datasetDir;
import static org.convnetplayground.features.FeatureTesting.decode;
import static org.convnetplayground.features.FeatureTesting.imageIdsOnDisk;
import static org.convnetplayground.features.FeatureTesting.rawGet;
import static org.convnetplayground.features.FeatureTesting.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.convnetplayground.features.CatalogService;
import org.convnetplayground.features.FeatureTesting;
import org.junit.jupiter.api.Test;

/** Image files and thumbnails: served byte for byte, cached with ETags, and never from outside the dataset. */
@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class DatasetImageTest {

    private static final String ELEPHANT_ID = "elephant/image_0001.jpg";

    @Test
    void imageBytesAreTheFileOnDisk() {
        String tiny = imageIdsOnDisk(TINYIMAGENET).get(0);
        assertTrue(tiny.endsWith(".JPEG"), tiny);
        for (String[] image : List.of(new String[] {CALTECH, ELEPHANT_ID}, new String[] {TINYIMAGENET, tiny},
                new String[] {CALTECH, imageIdsOnDisk(CALTECH).get(199)})) {
            Response r = given().when().get(API + "/datasets/" + image[0] + "/images/" + image[1]);
            assertEquals(200, r.statusCode(), image[1]);
            assertEquals("image/jpeg", r.contentType(), image[1] + " (extension case must not matter)");
            assertArrayEquals(read(datasetDir(image[0]).resolve(image[1])), r.asByteArray(), image[1]);
            assertTrue(r.header("Cache-Control").contains("max-age"), r.header("Cache-Control"));
        }
    }

    @Test
    void unknownImageIs404NamingTheImageAndPointingAtTheList() {
        var problem = assertProblem(given().when().get(API + "/datasets/" + CALTECH + "/images/elephant/image_9999.jpg"),
                404, "'elephant/image_9999.jpg'", "'" + CALTECH + "'");
        assertEquals("/api/features/datasets/" + CALTECH + "/images", problem.getString("choicesUrl"));
        assertProblem(given().when().get(API + "/datasets/" + CALTECH + "/thumbnails/elephant/image_9999.jpg"), 404,
                "'elephant/image_9999.jpg'");
    }

    @Test
    void thumbnailIsAJpegNoLargerThanAskedWithTheSameAspectRatio() {
        Response r = given().queryParam("size", 64).when().get(API + "/datasets/" + CALTECH + "/thumbnails/" + ELEPHANT_ID);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("image/jpeg", r.contentType());
        BufferedImage thumb = decode(r.asByteArray());
        // 300 x 225 scaled so that the longer side is 64: 64 x 48
        assertEquals(List.of(64, 48), List.of(thumb.getWidth(), thumb.getHeight()));

        BufferedImage byDefault = decode(given().when().get(API + "/datasets/" + CALTECH + "/thumbnails/" + ELEPHANT_ID)
                .then().statusCode(200).extract().asByteArray());
        assertEquals(List.of(160, 120), List.of(byDefault.getWidth(), byDefault.getHeight()), "default size 160");

        // a 64 x 64 image asked for at 160 is not enlarged
        String tiny = imageIdsOnDisk(TINYIMAGENET).get(3);
        BufferedImage small = decode(given().queryParam("size", 160).when()
                .get(API + "/datasets/" + TINYIMAGENET + "/thumbnails/" + tiny).then().statusCode(200).extract().asByteArray());
        assertEquals(List.of(64, 64), List.of(small.getWidth(), small.getHeight()));
    }

    @Test
    void thumbnailSizesOutsideTheRangeAre400() {
        assertProblem(given().queryParam("size", 8).when().get(API + "/datasets/" + CALTECH + "/thumbnails/" + ELEPHANT_ID),
                400, "size", "'8'", "16 to 512");
        assertProblem(given().queryParam("size", 513).when().get(API + "/datasets/" + CALTECH + "/thumbnails/" + ELEPHANT_ID),
                400, "size", "'513'");
    }

    @Test
    void thumbnailETagAnswers304WhenUnchanged() {
        String url = API + "/datasets/" + CALTECH + "/thumbnails/" + ELEPHANT_ID;
        Response first = given().queryParam("size", 96).when().get(url);
        assertEquals(200, first.statusCode());
        String etag = first.header("ETag");
        assertNotNull(etag, "thumbnails carry an ETag");

        Response again = given().queryParam("size", 96).header("If-None-Match", etag).when().get(url);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.asByteArray().length);
        assertEquals(etag, again.header("ETag"));

        Response stale = given().queryParam("size", 96).header("If-None-Match", "\"something-else\"").when().get(url);
        assertEquals(200, stale.statusCode());
        assertArrayEquals(first.asByteArray(), stale.asByteArray(), "made once, then served from the cache");

        String otherSize = given().queryParam("size", 97).when().get(url).then().statusCode(200).extract().header("ETag");
        assertNotEquals(etag, otherSize, "each size has its own tag");
    }

    /**
     * Requests that try to climb out of the dataset, sent byte for byte (no client-side normalisation). Depending on
     * the encoding they are refused by the HTTP layer (400), normalised out of the API root (404), or reach the
     * resource as an unknown image id (404 problem); none may serve a file.
     */
    @Test
    void pathTraversalNeverServesAFileOutsideTheDataset() throws Exception {
        assertTrue(Files.isRegularFile(Path.of("/etc/passwd")), "the target the attacks aim at exists");
        String secret = Files.readString(Path.of("/etc/passwd")).lines().findFirst().orElseThrow();
        String provenance = Files.readString(datasetDir(CALTECH).resolve("PROVENANCE.md")).lines().findFirst().orElseThrow();
        String otherDataset = imageIdsOnDisk(TINYIMAGENET).get(0);
        List<String> attacks = List.of(
                "../../../etc/passwd",
                "../../../../../../../../etc/passwd",
                "..%2F..%2F..%2Fetc%2Fpasswd",
                "..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
                "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "..%252F..%252F..%252Fetc%252Fpasswd",
                "elephant/../../../../etc/passwd",
                "elephant/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
                "%2Fetc%2Fpasswd",
                "/etc/passwd",
                "..\\..\\..\\etc\\passwd",
                "..%5C..%5C..%5Cetc%5Cpasswd",
                "elephant/../PROVENANCE.md",
                "elephant%2F..%2FPROVENANCE.md",
                "..%2F" + TINYIMAGENET + "%2F" + otherDataset.replace("/", "%2F"),
                "../" + TINYIMAGENET + "/" + otherDataset);
        String host = "localhost";
        int port = RestAssured.port;
        for (String kind : List.of("images", "thumbnails")) {
            for (String attack : attacks) {
                for (String dataset : List.of(CALTECH, "..%2F..%2F..%2Fetc")) {
                    String path = API + "/datasets/" + dataset + "/" + kind + "/" + attack;
                    FeatureTesting.RawResponse r = rawGet(host, port, path);
                    assertTrue(r.status() == 400 || r.status() == 404, path + " answered " + r.status() + ":\n" + r.body());
                    assertFalse(r.body().contains(secret), path + " leaked /etc/passwd");
                    assertFalse(r.body().contains(provenance), path + " leaked PROVENANCE.md");
                    assertFalse(r.headers().toLowerCase(Locale.ROOT).contains("content-type: image/"), path + ":\n" + r.headers());
                    if (r.body().startsWith("{")) {
                        // answered by the API (not refused by the HTTP layer, nor normalised out of the API root)
                        assertTrue(r.headers().contains("Content-Type: " + PROBLEM_JSON), path + ":\n" + r.headers());
                    }
                }
            }
        }
        // the same raw client does fetch a real image, so the refusals above are not an artefact of the client
        FeatureTesting.RawResponse ok = rawGet(host, port, API + "/datasets/" + CALTECH + "/images/" + ELEPHANT_ID);
        assertEquals(200, ok.status(), ok.headers());
    }
}
