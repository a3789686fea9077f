package org.convnetplayground.search;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;

/**
 * Near-duplicates of a large collection (5,000 vectors, the approximate-index size in tests) come from its HNSW
 * index, at most cnp.search.duplicates-neighbours an image: a dense group larger than the cap is one group and its
 * images are reported at the cap, with a total below the true count (computed here by brute force) and never above;
 * planted pairs are found; two scans give the same answer.
 */
@QuarkusTest
class LargeDuplicatesTest {

    static final String DATASET = "dense-large";
    static final int N = 5_000;
    static final int D = 64;
    static final int GROUP = 120;
    static final int[][] PLANTED = {{10, 4010}, {20, 3020}, {31, 2503}};

    @Inject
    SearchConfig config;

    /** Gaussian rows (far apart at 64 dimensions), a tight group of GROUP rows spread over the file, planted pairs. */
    static float[] data(Set<Integer> group) {
        Random random = new Random(5);
        float[] data = new float[N * D];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        float[] centre = new float[D];
        double norm = 0;
        for (int j = 0; j < D; j++) {
            centre[j] = (float) random.nextGaussian();
            norm += centre[j] * centre[j];
        }
        for (int j = 0; j < D; j++) {
            centre[j] /= (float) Math.sqrt(norm);
        }
        while (group.size() < GROUP) {
            int row = 100 + random.nextInt(N - 100);
            if (Arrays.stream(PLANTED).noneMatch(p -> p[0] == row || p[1] == row)) {
                group.add(row);
            }
        }
        for (int row : group) {
            // cosine distances of about 0.015 within the group, about 1 to the rest
            for (int j = 0; j < D; j++) {
                data[row * D + j] = centre[j] + 0.015f * (float) random.nextGaussian();
            }
        }
        for (int[] p : PLANTED) {
            for (int j = 0; j < D; j++) {
                data[p[1] * D + j] = data[p[0] * D + j] + 0.001f * (float) random.nextGaussian();
            }
        }
        return data;
    }

    static float[] row(float[] data, int i) {
        return Arrays.copyOfRange(data, i * D, (i + 1) * D);
    }

    static JsonPath duplicates(String query) {
        String url = "/api/search/duplicates?dataset=" + DATASET + "&model=" + VectorImportTest.MODEL
                + "&layer=embedding&metric=cosine" + query;
        Response first = given().get(url);
        if (first.statusCode() == 202) {
            Queries.awaitJob(first.jsonPath().getString("job"));
        }
        return given().get(url).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aDenseGroupLargerThanTheCapIsOneGroupAndTheTotalSaysItIsALowerBound() {
        Set<Integer> group = new TreeSet<>();
        float[] data = data(group);
        VectorImportTest.imported(DATASET, data, N, D);
        // the scan asks the index only once it is built: wait for approximate answers
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (!given().contentType(ContentType.JSON)
                .body(VectorImportTest.vectorQuery(DATASET, row(data, 7), "cosine", null))
                .post("/api/search/query-vector").then().statusCode(200).extract().jsonPath().getString("mode")
                .equals("approximate")) {
            assertTrue(Instant.now().isBefore(deadline), "the HNSW index was built within 3 minutes");
        }

        JsonPath d = duplicates("");
        double threshold = d.getDouble("threshold");
        // the true count, by brute force
        float[][] rows = new float[N][];
        for (int i = 0; i < N; i++) {
            rows[i] = row(data, i);
        }
        long truth = 0;
        for (int i = 0; i < N; i++) {
            for (int j = i + 1; j < N; j++) {
                if (Metric.COSINE.distance(rows[i], rows[j], 3) < threshold) {
                    truth++;
                }
            }
        }
        assertEquals((long) GROUP * (GROUP - 1) / 2 + PLANTED.length, truth, "the data: no pair but the planted ones");

        int cap = config.duplicatesNeighbours();
        assertEquals(cap, d.getInt("neighbourCap"), d.prettify().substring(0, 400));
        assertTrue(GROUP > cap + 1, "the group is larger than the cap");
        assertEquals(GROUP, d.getInt("imagesAtCap"), "every image of the group has more close neighbours than the cap");
        long total = d.getLong("total");
        assertTrue(total < truth, "pairs beyond the cap are not counted: " + total + " of " + truth);
        // every image of the group lists its cap nearest, so at least half that many pairs are counted
        assertTrue(total >= (long) GROUP * cap / 2 + PLANTED.length, "total " + total);
        System.out.printf("dense group of %d, cap %d: %d of %d pairs counted, %d images at the cap%n", GROUP, cap,
                total, truth, d.getInt("imagesAtCap"));

        List<String> groupIds = new ArrayList<>();
        for (int row : group) {
            groupIds.add("item-" + row);
        }
        groupIds.sort(String::compareTo);
        List<List<String>> groups = new ArrayList<>();
        groups.add(groupIds);
        for (int[] p : PLANTED) {
            // ids sorted as strings
            groups.add(new TreeSet<>(List.of("item-" + p[0], "item-" + p[1])).stream().toList());
        }
        assertEquals(groups, d.getList("groups"), "the dense group is one group, each planted pair another");

        List<Map<String, Object>> pairs = d.getList("pairs");
        assertFalse(d.getBoolean("truncated"));
        assertEquals(total, pairs.size());
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> p : pairs) {
            String a = (String) p.get("a");
            String b = (String) p.get("b");
            int ra = Integer.parseInt(a.substring(5));
            int rb = Integer.parseInt(b.substring(5));
            assertTrue(ra < rb, "the earlier image first: " + p);
            assertTrue(seen.add(a + " " + b), "listed once: " + p);
            double exact = Metric.COSINE.distance(rows[ra], rows[rb], 3);
            assertEquals(exact, ((Number) p.get("distance")).doubleValue(), 1e-5, p.toString());
            assertTrue(exact < threshold, p.toString());
        }
        for (int[] p : PLANTED) {
            assertTrue(seen.contains("item-" + p[0] + " item-" + p[1]), "planted pair " + Arrays.toString(p));
        }

        // a second scan (another maxPairs, so another cache key: computed again) gives the same answer
        JsonPath again = duplicates("&maxPairs=" + (pairs.size() + 1));
        assertEquals(total, again.getLong("total"));
        assertEquals(d.getInt("imagesAtCap"), again.getInt("imagesAtCap"));
        assertEquals(d.getList("groups"), again.getList("groups"));
        assertEquals(pairs, again.getList("pairs"));
    }
}
