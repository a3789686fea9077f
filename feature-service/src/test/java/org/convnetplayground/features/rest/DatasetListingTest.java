package org.convnetplayground.features.rest;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.features.FeatureTesting.API;
import static org.convnetplayground.features.FeatureTesting.CALTECH;
import static org.convnetplayground.features.FeatureTesting.TINYIMAGENET;
import static org.convnetplayground.features.FeatureTesting.assertProblem;
import static org.convnetplayground.features.FeatureTesting.datasetDir;
import static org.convnetplayground.features.FeatureTesting.datasetIdsOnDisk;
import static org.convnetplayground.features.FeatureTesting.imageIdsOnDisk;
import static org.convnetplayground.features.FeatureTesting.labelOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.convnetplayground.features.CatalogService;
import org.junit.jupiter.api.Test;

/** Datasets are folders of class folders: listing, describing and paging through them, checked against the disk. */
@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class DatasetListingTest {

    private static JsonPath page(String dataset, String query) {
        return given().when().get(API + "/datasets/" + dataset + "/images" + query)
                .then().statusCode(200).extract().jsonPath();
    }

    private static List<String> ids(JsonPath page) {
        return page.getList("items.id", String.class);
    }

    @Test
    void listsEveryDatasetFolderWithItsImagesAndClassesAsOnDisk() {
        List<String> onDisk = datasetIdsOnDisk();
        assertTrue(onDisk.containsAll(List.of(CALTECH, TINYIMAGENET, "tinyimagenet-val4000")), onDisk.toString());
        JsonPath list = given().when().get(API + "/datasets").then().statusCode(200).extract().jsonPath();
        assertEquals(onDisk, list.getList("id", String.class));
        for (String id : onDisk) {
            List<String> images = imageIdsOnDisk(id);
            Map<String, Integer> classCounts = images.stream().filter(i -> labelOf(i) != null)
                    .collect(Collectors.groupingBy(i -> labelOf(i), TreeMap::new, Collectors.summingInt(i -> 1)));
            Map<String, Object> summary = list.getMap("find { it.id == '" + id + "' }");
            assertEquals(images.size(), summary.get("imageCount"), id);
            assertEquals(List.copyOf(classCounts.keySet()), summary.get("classes"), id);
            assertEquals(classCounts, summary.get("classCounts"), id);
            assertEquals(0, summary.get("unlabeled"), id);
            assertTrue(String.valueOf(summary.get("version")).matches("[0-9a-f]{16}"), id + " version " + summary.get("version"));
            // the single-dataset view says the same
            assertEquals(summary, given().when().get(API + "/datasets/" + id).then().statusCode(200)
                    .extract().jsonPath().getMap("$"));
        }
    }

    @Test
    void caltechIconicHasTenClassesOfTwenty() {
        JsonPath caltech = given().when().get(API + "/datasets/" + CALTECH).then().statusCode(200).extract().jsonPath();
        assertEquals(200, caltech.getInt("imageCount"));
        assertEquals(10, caltech.getList("classes").size());
        assertTrue(caltech.getMap("classCounts", String.class, Integer.class).values().stream().allMatch(n -> n == 20),
                caltech.getMap("classCounts").toString());
        assertEquals(List.of("elephant", "grand_piano", "kangaroo", "ketch", "laptop", "llama", "lotus", "schooner",
                "sunflower", "water_lilly"), caltech.getList("classes"));
    }

    @Test
    void documentationFilesNextToTheImagesAreNotImages() {
        assertTrue(Files.isRegularFile(datasetDir(CALTECH).resolve("PROVENANCE.md")));
        assertTrue(Files.isRegularFile(datasetDir(CALTECH).resolve("manifest.tsv")));
        assertTrue(Files.isRegularFile(datasetDir(TINYIMAGENET).resolve("classes.tsv")));
        for (String dataset : List.of(CALTECH, TINYIMAGENET)) {
            List<String> listed = ids(page(dataset, "?limit=5000"));
            assertTrue(listed.stream().allMatch(i -> i.matches("[a-z_]+/[^/]+\\.(jpg|JPEG)")), listed.toString());
            for (String file : List.of("PROVENANCE.md", "manifest.tsv", "classes.tsv")) {
                assertFalse(listed.contains(file), file);
                assertProblem(given().when().get(API + "/datasets/" + dataset + "/images/" + file), 404,
                        "'" + file + "'", "'" + dataset + "'");
            }
        }
    }

    @Test
    void imagesComeInIdOrderAndPagesTileTheWholeList() {
        List<String> expected = imageIdsOnDisk(CALTECH);
        JsonPath all = page(CALTECH, "?limit=5000");
        assertEquals(expected, ids(all));
        assertEquals(200, all.getInt("total"));
        assertEquals(expected.stream().map(i -> labelOf(i)).toList(), all.getList("items.label", String.class));

        List<String> tiled = new ArrayList<>();
        for (int offset = 0; offset < 200; offset += 64) {
            JsonPath p = page(CALTECH, "?offset=" + offset + "&limit=64");
            assertEquals(200, p.getInt("total"));
            assertEquals(offset, p.getInt("offset"));
            assertEquals(64, p.getInt("limit"));
            assertEquals(Math.min(64, 200 - offset), ids(p).size());
            tiled.addAll(ids(p));
        }
        assertEquals(expected, tiled);
        assertEquals(List.of(), ids(page(CALTECH, "?offset=200&limit=10")), "past the end: empty page");
        assertEquals(expected.subList(0, 100), ids(page(CALTECH, "")), "default page: the first 100");
        assertEquals(ids(page(CALTECH, "?offset=17&limit=33")), ids(page(CALTECH, "?offset=17&limit=33")), "stable");
    }

    @Test
    void labelFilterKeepsOneClassInOrder() {
        List<String> llamas = imageIdsOnDisk(CALTECH).stream().filter(i -> i.startsWith("llama/")).toList();
        assertEquals(20, llamas.size());
        JsonPath p = page(CALTECH, "?label=llama&limit=5000");
        assertEquals(20, p.getInt("total"));
        assertEquals(llamas, ids(p));
        assertTrue(p.getList("items.label", String.class).stream().allMatch("llama"::equals));
        JsonPath tail = page(CALTECH, "?label=llama&offset=15&limit=10");
        assertEquals(20, tail.getInt("total"));
        assertEquals(llamas.subList(15, 20), ids(tail));
    }

    @Test
    void unknownDatasetIs404NamingTheValidIds() {
        JsonPath problem = assertProblem(given().when().get(API + "/datasets/imagenet-full"), 404,
                "'imagenet-full'", CALTECH, TINYIMAGENET, "tinyimagenet-val4000");
        assertEquals(datasetIdsOnDisk(), problem.getList("choices", String.class));
        assertEquals("/api/features/datasets", problem.getString("choicesUrl"));
        assertProblem(given().when().get(API + "/datasets/imagenet-full/images"), 404, "'imagenet-full'");
        assertProblem(given().when().get(API + "/datasets/imagenet-full/images/a/b.jpg"), 404, "'imagenet-full'");
    }

    @Test
    void pagingParametersOutOfRangeAre400Problems() {
        assertProblem(given().when().get(API + "/datasets/" + CALTECH + "/images?limit=0"), 400, "limit", "'0'", "1 to 5000");
        assertProblem(given().when().get(API + "/datasets/" + CALTECH + "/images?limit=100000"), 400, "limit", "'100000'");
        assertProblem(given().when().get(API + "/datasets/" + CALTECH + "/images?offset=-1"), 400, "offset", "'-1'");
    }

    @Test
    void unknownLabelIs404NamingTheClasses() {
        JsonPath problem = assertProblem(given().when().get(API + "/datasets/" + CALTECH + "/images?label=unicorn"), 404,
                "'unicorn'", "llama", "water_lilly");
        assertEquals(10, problem.getList("choices").size());
    }

    @Test
    void nonNumericPagingParametersAre400ProblemsNamingTheValue() {
        assertProblem(given().when().get(API + "/datasets/" + CALTECH + "/images?limit=ten"), 400, "limit", "ten");
        assertProblem(given().when().get(API + "/datasets/" + CALTECH + "/images?offset=1.5"), 400, "offset", "1.5");
    }
}
