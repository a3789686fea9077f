package org.convnetplayground.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = UpstreamServices.class, restrictToAnnotatedClass = false)
class AnalysisResourceTest {

    static final String COLLECTION = "dataset=" + Queries.TINY_DATASET + "&model=" + Queries.TINY_MODEL + "&layer=global_pool";

    /** GET, waiting for the job and asking again when the first answer is 202. */
    static JsonPath ready(String path) {
        Response r = given().get(path);
        if (r.statusCode() == 202) {
            Queries.awaitJob(r.jsonPath().getString("job"));
            r = given().get(path);
        }
        assertEquals(200, r.statusCode(), r.asString());
        // numbers as doubles, not REST Assured's default floats: the checks below compare to 1e-12
        return r.jsonPath(io.restassured.path.json.config.JsonPathConfig.jsonPathConfig()
                .numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.DOUBLE));
    }

    /** The tiny collection's items (id, label), in row order. */
    static List<Map<String, String>> items() {
        return given().get("/api/search/collections/" + Queries.TINY_DATASET + "/" + Queries.TINY_MODEL
                + "/global_pool/items?limit=1000").jsonPath().getList("items");
    }

    /** The stored vector of each item, fetched back. */
    static float[][] storedVectors(List<Map<String, String>> items) {
        float[][] v = new float[items.size()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = SearchResourceTest.vector("global_pool", items.get(i).get("id"));
        }
        return v;
    }

    @Test
    void evaluationAgreesWithAnIndependentComputationFromTheStoredVectors() {
        JsonPath e = ready("/api/search/evaluation?" + COLLECTION + "&metric=cosine");
        List<Map<String, String>> items = items();
        int n = items.size();
        float[][] v = storedVectors(items);
        double apSum = 0;
        double p10Sum = 0;
        for (int q = 0; q < n; q++) {
            String label = items.get(q).get("label");
            List<double[]> ranked = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (j != q) {
                    ranked.add(new double[] {Metric.COSINE.distance(v[q], v[j], 3), j});
                }
            }
            ranked.sort(Comparator.<double[]>comparingDouble(a -> a[0]).thenComparingDouble(a -> a[1]));
            long relevant = items.stream().filter(i -> label.equals(i.get("label"))).count() - 1;
            int hits = 0;
            double precisions = 0;
            for (int r = 0; r < ranked.size(); r++) {
                if (label.equals(items.get((int) ranked.get(r)[1]).get("label"))) {
                    hits++;
                    precisions += hits / (double) (r + 1);
                }
                if (r == 9) {
                    p10Sum += hits / 10.0;
                }
            }
            apSum += precisions / relevant;
        }
        assertEquals(n, e.getInt("queries"));
        // vectors travel as JSON text; the rankings they give are identical, so the numbers agree to rounding
        assertEquals(apSum / n, e.getDouble("map"), 1e-12);
        assertEquals(p10Sum / n, e.getDouble("precisionAt.10"), 1e-12);
        assertEquals(10, e.getMap("perClass").size());
        assertTrue(e.getDouble("perClass.goldfish.map") > 0);
    }

    @Test
    void leaderboardRanksEveryFeatureLayerAndLateLayersWin() {
        // only looking (start=false) never starts work: nothing is computed yet
        given().get("/api/search/leaderboard?dataset=" + Queries.TINY_DATASET + "&models=" + Queries.TINY_MODEL
                + "&metrics=cosine&start=false").then().statusCode(204);
        JsonPath board = ready("/api/search/leaderboard?dataset=" + Queries.TINY_DATASET + "&models="
                + Queries.TINY_MODEL + "&metrics=cosine");
        List<Map<String, Object>> rows = board.getList("rows");
        List<String> layers = board.getList("models[0].featureLayers");
        assertEquals(layers.size(), rows.size());
        double first = rows.stream().filter(r -> r.get("depth").equals(0)).mapToDouble(r -> ((Number) r.get("map")).doubleValue())
                .findFirst().orElseThrow();
        double last = rows.stream().filter(r -> r.get("depth").equals(layers.size() - 1))
                .mapToDouble(r -> ((Number) r.get("map")).doubleValue()).findFirst().orElseThrow();
        assertTrue(last > first, "the embedding beats the first conv layer: " + last + " vs " + first);
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(((Number) rows.get(i - 1).get("map")).doubleValue() >= ((Number) rows.get(i).get("map")).doubleValue());
        }
        // asked again, it answers at once from what was computed
        given().get("/api/search/leaderboard?dataset=" + Queries.TINY_DATASET + "&models=" + Queries.TINY_MODEL
                + "&metrics=cosine").then().statusCode(200);
        given().get("/api/search/leaderboard?dataset=" + Queries.TINY_DATASET + "&models=" + Queries.TINY_MODEL
                + "&metrics=cosine&start=false").then().statusCode(200);
    }

    @Test
    void projectionsPlaceEveryImage() {
        for (String method : List.of("pca", "tsne")) {
            JsonPath p = ready("/api/search/projection?" + COLLECTION + "&method=" + method);
            assertEquals(200, p.getInt("total"));
            assertEquals(200, p.getInt("sampled"));
            List<Float> xs = p.getList("points.x", Float.class);
            assertEquals(200, xs.size());
            assertTrue(xs.stream().allMatch(Float::isFinite), method);
        }
        JsonPath sampled = ready("/api/search/projection?" + COLLECTION + "&sample=50");
        assertEquals(50, sampled.getInt("sampled"));
        assertEquals(50, sampled.getList("points").size());
    }

    @Test
    void duplicatesAsJsonAndCsv() {
        JsonPath d = ready("/api/search/duplicates?" + COLLECTION + "&metric=cosine");
        assertEquals(200, d.getInt("scanned"));
        assertTrue(d.getDouble("defaultThreshold") > 0);
        assertEquals(d.getDouble("defaultThreshold"), d.getDouble("threshold"), 0);
        JsonPath none = ready("/api/search/duplicates?" + COLLECTION + "&metric=cosine&threshold=0");
        assertEquals(0, none.getList("pairs").size());
        assertEquals(0, none.getLong("total"));

        // the largest threshold accepted is the median pair distance: about half of all pairs count; each is
        // counted and joins its group, the closest maxPairs are listed - checked against every pair's distance
        double max = d.getDouble("maxThreshold");
        assertEquals(d.getDouble("typicalDistance"), max, 0);
        List<Map<String, String>> items = items();
        int n = items.size();
        float[][] v = storedVectors(items);
        List<Double> below = new ArrayList<>();
        java.util.Set<String> paired = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double distance = Metric.COSINE.distance(v[i], v[j], 3);
                if (distance < max) {
                    below.add(distance);
                    paired.add(items.get(i).get("id"));
                    paired.add(items.get(j).get("id"));
                }
            }
        }
        below.sort(Comparator.naturalOrder());
        JsonPath all = ready("/api/search/duplicates?" + COLLECTION + "&metric=cosine&threshold=" + max + "&maxPairs=500");
        assertEquals(below.size(), all.getLong("total"));
        assertTrue(below.size() > 5000, "about half of 19,900 pairs: " + below.size());
        assertTrue(all.getBoolean("truncated"));
        assertEquals(500, all.getInt("maxPairs"));
        List<Double> listed = all.getList("pairs.distance", Double.class);
        assertEquals(500, listed.size());
        for (int i = 0; i < listed.size(); i++) {
            assertEquals(below.get(i), listed.get(i), 1e-12, "pair " + i + " is the " + (i + 1) + "th closest");
        }
        List<List<String>> groups = all.getList("groups");
        assertEquals(paired.size(), groups.stream().mapToInt(List::size).sum(), "every image with a pair is grouped");
        String csv = given().get("/api/search/duplicates?" + COLLECTION + "&metric=cosine&threshold=" + max + "&format=csv")
                .then().statusCode(200).contentType(containsString("text/csv")).extract().asString();
        assertTrue(csv.startsWith("group,id,label\n"));
        assertEquals(paired.size() + 1, csv.split("\n").length, "one line per grouped image");

        // beyond the median: refused, naming the range
        given().get("/api/search/duplicates?" + COLLECTION + "&metric=cosine&threshold=" + (max * 1.01))
                .then().statusCode(400).contentType("application/problem+json").body("parameter", equalTo("threshold"))
                .body("detail", containsString("a distance from 0 to " + max))
                .body("detail", containsString("median cosine distance"));
        given().get("/api/search/duplicates?" + COLLECTION + "&metric=cosine&threshold=1000").then().statusCode(400);
        given().get("/api/search/duplicates?" + COLLECTION + "&maxPairs=0").then().statusCode(400)
                .body("parameter", equalTo("maxPairs")).body("detail", containsString("from 1 to 100000"));
        given().get("/api/search/duplicates?" + COLLECTION + "&maxPairs=100001").then().statusCode(400)
                .body("parameter", equalTo("maxPairs"));
    }

    @Test
    void wrongParametersAreProblems() {
        given().get("/api/search/leaderboard?dataset=" + Queries.TINY_DATASET + "&models=vgg99").then().statusCode(404)
                .contentType("application/problem+json").body("detail", startsWith("unknown model 'vgg99'"))
                .body("choices", hasItem(Queries.TINY_MODEL));
        given().get("/api/search/leaderboard?dataset=nope").then().statusCode(404)
                .contentType("application/problem+json").body("detail", startsWith("unknown dataset 'nope'"));
        given().get("/api/search/leaderboard?dataset=" + Queries.TINY_DATASET + "&metrics=hamming").then().statusCode(400)
                .body("detail", startsWith("unknown metric 'hamming'"));
        given().get("/api/search/projection?" + COLLECTION + "&method=umap9").then().statusCode(400)
                .body("detail", containsString("[pca, tsne]"));
        given().get("/api/search/projection?" + COLLECTION + "&sample=1").then().statusCode(400);
        given().get("/api/search/duplicates?" + COLLECTION + "&threshold=-1").then().statusCode(400)
                .body("parameter", equalTo("threshold"));
        given().get("/api/search/duplicates?" + COLLECTION + "&format=xml").then().statusCode(400)
                .body("detail", containsString("json or csv"));
        given().get("/api/search/evaluation?dataset=" + Queries.TINY_DATASET + "&model=" + Queries.TINY_MODEL)
                .then().statusCode(400).body("detail", startsWith("missing layer"));
    }
}
