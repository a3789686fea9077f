package org.convnetplayground.search;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.convnetplayground.testing.SolrClusterProcess;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;

/**
 * The search-service with {@code cnp.search.backend=solr} on a real 2-node SolrCloud (shared with the index contract
 * tests of this JVM): imported collections become Solr collections of 2 shards x 2 replicas, answer approximately with
 * exact distances, follow a grown import and a deletion; with one node down queries answer, or fail fast with 503.
 */
@QuarkusTest
@TestProfile(SolrBackendTest.OnSolr.class)
class SolrBackendTest {

    /** The service on the shared test cluster, with its own data folder and collection prefix. */
    public static class OnSolr implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cnp.search.backend", "solr",
                    "cnp.search.solr.urls", SolrClusterProcess.shared().urls(),
                    "cnp.search.solr.collection-prefix", "cnpsvc",
                    "cnp.search.solr.query-timeout", "PT5S",
                    "cnp.search.data-dir", "target/test-data/search-solr-" + ProcessHandle.current().pid());
        }
    }

    static final String MODEL = VectorImportTest.MODEL;
    static final int D = 24;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void importedCollectionsLiveInSolrAndFollowGrowthAndDeletion() throws Exception {
        int n = 6000;
        float[] data = Npy.clustered(n, D, 31);
        VectorImportTest.imported("solr-imported", data, n, D);
        awaitApproximate("solr-imported", row(data, 5));

        // one Solr collection of 2 shards, each with 2 active replicas
        String name = solrCollection("cnpsvc_solr_imported_").orElseThrow(() -> new AssertionError(
                "no Solr collection for solr-imported in " + solrCollections()));
        JsonNode shards = solr("/admin/collections?action=CLUSTERSTATUS&collection=" + name)
                .path("cluster").path("collections").path(name).path("shards");
        assertEquals(2, shards.size(), shards.toString());
        shards.forEach(s -> assertEquals(2, s.path("replicas").size(), s.toString()));
        assertEquals(n + 1, numFound(name), "every item and the version marker");

        // approximate answers: most exact neighbours, each with its exact distance
        double found = 0;
        for (int i = 0; i < 20; i++) {
            float[] q = Npy.clustered(1, D, 1000 + i);
            JsonPath exact = vectorQuery("solr-imported", q, "cosine", "exact");
            JsonPath approximate = vectorQuery("solr-imported", q, "cosine", "approximate");
            assertEquals("approximate", approximate.getString("mode"));
            Set<String> truth = new HashSet<>(exact.getList("hits.id"));
            found += approximate.<String>getList("hits.id").stream().filter(truth::contains).count();
            List<String> ids = approximate.getList("hits.id");
            List<Double> distances = approximate.getList("hits.distance", Double.class);
            for (int h = 0; h < ids.size(); h++) {
                int r = Integer.parseInt(ids.get(h).substring("item-".length()));
                assertEquals(Metric.COSINE.distance(q, row(data, r), 3), distances.get(h), 1e-12);
            }
        }
        assertTrue(found / 200 >= 0.9, "recall@10 " + found / 200);

        // metrics Solr's graphs do not order are answered exactly, and say so
        JsonPath chebyshev = vectorQuery("solr-imported", row(data, 9), "chebyshev", "approximate");
        assertEquals("exact", chebyshev.getString("mode"));
        assertTrue(chebyshev.getString("modeNote").contains("chebyshev"), chebyshev.prettify());

        // the dataset grew: the new version's new items are found through Solr
        int grown = n + 500;
        float[] more = Arrays.copyOf(data, grown * D);
        System.arraycopy(Npy.clustered(500, D, 32), 0, more, n * D, 500 * D);
        VectorImportTest.imported("solr-imported", more, grown, D);
        awaitApproximate("solr-imported", row(more, n + 10));
        JsonPath newcomer = vectorQuery("solr-imported", row(more, n + 10), "cosine", "approximate");
        assertEquals("approximate", newcomer.getString("mode"));
        assertEquals("item-" + (n + 10), newcomer.getString("hits[0].id"));
        assertEquals(grown + 1, numFound(name));

        // deleted with the collection
        given().delete("/api/search/collections/solr-imported/" + MODEL + "/embedding").then().statusCode(204);
        await("the Solr collection " + name + " to be deleted", () -> !solrCollections().contains(name));
    }

    @Test
    void withANodeDownQueriesAnswerAndWithBothDownFailFastWith503() throws Exception {
        int n = 6000;
        float[] data = Npy.clustered(n, D, 41);
        VectorImportTest.imported("solr-failover", data, n, D);
        awaitApproximate("solr-failover", row(data, 3));
        SolrClusterProcess cluster = SolrClusterProcess.shared();
        int[] counts = new int[2];
        // queries keep coming while node 1 goes down (in flight when its port closes), then 30 more with it down
        AtomicBoolean nodeDown = new AtomicBoolean();
        ExecutorService during = Executors.newSingleThreadExecutor();
        try {
            Future<int[]> concurrent = during.submit(() -> {
                int[] c = new int[2];
                for (int i = 0; !nodeDown.get() || i < 5; i++) {
                    checkedQuery(data, Npy.clustered(1, D, 3000 + i), c);
                }
                return c;
            });
            cluster.stopNode(1);
            nodeDown.set(true);
            try {
                int[] c = concurrent.get(5, TimeUnit.MINUTES);
                counts[0] += c[0];
                counts[1] += c[1];
                for (int i = 0; i < 30; i++) {
                    checkedQuery(data, Npy.clustered(1, D, 2000 + i), counts);
                }
                // the whole cluster down: approximate queries fail fast with 503, exact ones still answer
                cluster.stopNode(0);
                for (int i = 0; i < 3; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = post(VectorImportTest.vectorQuery("solr-failover", row(data, i),
                            "cosine", "approximate"));
                    assertTrue((System.nanoTime() - t0) / 1e9 < 15, "a query hung");
                    assertEquals(503, r.statusCode(), r.body());
                    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse("")
                            .split(";")[0]);
                    assertTrue(JSON.readTree(r.body()).path("detail").asText().contains("Solr cluster"), r.body());
                    HttpResponse<String> exact = post(VectorImportTest.vectorQuery("solr-failover", row(data, i),
                            "cosine", "exact"));
                    assertEquals(200, exact.statusCode(), exact.body());
                    assertEquals("item-" + i, JSON.readTree(exact.body()).path("hits").path(0).path("id").asText());
                }
            } finally {
                cluster.startNode(0);
                cluster.startNode(1);
            }
        } finally {
            nodeDown.set(true);
            during.shutdownNow();
        }
        // back: approximate answers again (the next query looks at the cluster afresh)
        awaitApproximate("solr-failover", row(data, 3));
        System.out.printf("while one of two Solr nodes went down and stayed down: %d queries answered, %d got 503%n",
                counts[0], counts[1]);
        // two replicas of every shard: the live node holds all of them
        assertTrue(counts[0] > 0, counts[0] + " answered, " + counts[1] + " unavailable");
        // exact queries never need Solr
        JsonPath exact = vectorQuery("solr-failover", row(data, 3), "cosine", "exact");
        assertEquals("item-3", exact.getString("hits[0].id"));
    }

    /**
     * One approximate query with a node down or going down: the right answer (every hit with its exact distance,
     * nearest first) counted in {@code counts[0]}, or a 503 problem naming Solr in {@code counts[1]}; never a hang.
     */
    static void checkedQuery(float[] data, float[] q, int[] counts) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(VectorImportTest.vectorQuery("solr-failover", q, "cosine", "approximate"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        // the query timeout is 5 s: never a hang
        assertTrue(seconds < 15, "a query took " + seconds + " s");
        if (r.statusCode() == 200) {
            counts[0]++;
            JsonNode hits = JSON.readTree(r.body()).path("hits");
            assertEquals(10, hits.size());
            double last = -1;
            for (JsonNode h : hits) {
                int row = Integer.parseInt(h.path("id").asText().substring("item-".length()));
                double d = Metric.COSINE.distance(q, row(data, row), 3);
                assertEquals(d, h.path("distance").asDouble(), 1e-12);
                assertTrue(d >= last);
                last = d;
            }
        } else {
            assertEquals(503, r.statusCode(), r.body());
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse("")
                    .split(";")[0]);
            assertTrue(JSON.readTree(r.body()).path("detail").asText().contains("Solr"), r.body());
            counts[1]++;
        }
    }

    /** A query-vector request with a 30 s client timeout (a hang fails the test instead of stalling it). */
    static HttpResponse<String> post(Map<String, Object> body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                        + "/api/search/query-vector")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static float[] row(float[] data, int r) {
        return Arrays.copyOfRange(data, r * D, (r + 1) * D);
    }

    static JsonPath vectorQuery(String dataset, float[] q, String metric, String mode) {
        return given().contentType(ContentType.JSON).body(VectorImportTest.vectorQuery(dataset, q, metric, mode))
                .post("/api/search/query-vector").then().statusCode(200).extract().jsonPath()
                .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    /** Waits until the collection's Solr collection holds its current version (queries answer approximately). */
    static void awaitApproximate(String dataset, float[] q) {
        // meanwhile: exact answers saying why, or a 503 while the cluster's replicas recover
        await(dataset + " to be answered through Solr", () -> {
            try {
                HttpResponse<String> r = post(VectorImportTest.vectorQuery(dataset, q, "cosine", "approximate"));
                assertTrue(r.statusCode() == 200 || r.statusCode() == 503, r.body());
                return r.statusCode() == 200 && JSON.readTree(r.body()).path("mode").asText().equals("approximate");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    static void await(String what, Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            if (condition.get()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    static JsonNode solr(String path) {
        List<String> errors = new ArrayList<>();
        for (String node : SolrClusterProcess.shared().nodeUrls()) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(node + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return JSON.readTree(r.body());
                }
                errors.add(node + ": " + r.statusCode());
            } catch (IOException e) {
                errors.add(node + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no Solr node answered " + path + ": " + errors);
    }

    static List<String> solrCollections() {
        List<String> out = new ArrayList<>();
        solr("/admin/collections?action=LIST").path("collections").forEach(c -> out.add(c.asText()));
        return out;
    }

    static Optional<String> solrCollection(String prefix) {
        return solrCollections().stream().filter(c -> c.startsWith(prefix)).findFirst();
    }

    static long numFound(String collection) {
        JsonNode r = solr("/" + collection + "/select?q=*:*&rows=0");
        assertNotNull(r.path("response").path("numFound"));
        return r.path("response").path("numFound").asLong();
    }
}
