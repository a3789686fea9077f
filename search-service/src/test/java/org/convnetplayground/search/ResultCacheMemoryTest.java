package org.convnetplayground.search;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Memory is bounded by configuration, not by what clients ask (issue 10): 3,000 requests with distinct keys
 * (duplicate thresholds, projection sample sizes, minkowski exponents) leave the heap, after a GC, within the
 * configured result-cache budgets of where it started. The service runs in this JVM, so its heap is measured
 * directly; before the caches were bounded, 300 distinct duplicate thresholds kept 218 MB.
 */
@QuarkusTest
@QuarkusTestResource(value = UpstreamServices.class, restrictToAnnotatedClass = false)
class ResultCacheMemoryTest {

    @jakarta.inject.Inject
    org.convnetplayground.search.config.SearchConfig config;

    static final String COLLECTION = AnalysisResourceTest.COLLECTION;
    /** The caches these requests fill. */
    static final List<String> CACHES = List.of("projection", "duplicates");
    /** What the heap may hold beyond the caches' budgets after the requests: buffers, JIT'd code's data, metrics. */
    static final long SLACK = 24L << 20;

    @Test
    void threeThousandDistinctRequestsStayWithinTheConfiguredBudgets() {
        // warm up: the collection, and one request of each kind (classes loaded, pools and buffers allocated)
        double max = AnalysisResourceTest.ready("/api/search/duplicates?" + COLLECTION + "&metric=cosine")
                .getDouble("maxThreshold");
        AnalysisResourceTest.ready("/api/search/projection?" + COLLECTION + "&sample=50");
        Queries.query(minkowski(2.5));
        long before = heapAfterGc();

        // up to 1,000 of the closest pairs each (up to 9,900 pairs lie below the largest threshold)
        long t0 = System.nanoTime();
        for (int i = 1; i <= 1500; i++) {
            given().get("/api/search/duplicates?" + COLLECTION + "&metric=cosine&maxPairs=1000&threshold="
                    + max * i / 1500).then().statusCode(200);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            given().get("/api/search/projection?" + COLLECTION + "&sample=" + (3 + i)).then().statusCode(200);
        }
        long t2 = System.nanoTime();
        // each a new similarity scale (the median distance under that p): the dearest requests, so fewer of them
        for (int i = 0; i < 500; i++) {
            Queries.post(minkowski(1.5 + i * 1.9)).then().statusCode(200);
        }
        long t3 = System.nanoTime();
        String seconds = String.format("%.0f s (duplicates %.0f s, maps %.0f s, minkowski queries %.0f s)",
                (t3 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);

        // the caches settle within their bounds (Caffeine evicts in the background after writes) ...
        Map<String, Double> metrics = awaitCachesWithinBounds();
        long budgets = config.evaluationCacheMaxBytes() + config.projectionCacheMaxBytes()
                + config.duplicatesCacheMaxBytes() + config.leaderboardCacheMaxBytes() + config.similarityCacheMaxBytes();
        long after = heapAfterGc();
        long grown = after - before;
        System.out.printf("3,000 distinct requests in %s: heap after GC %d MB -> %d MB (%+.1f MB); result caches "
                        + "%s; budgets %d MB%n", seconds, before >> 20, after >> 20, grown / 1048576.0, cacheBytes(metrics),
                budgets >> 20);
        // ... having dropped results to stay there
        assertTrue(metrics.get("evictions:duplicates") > 0, "duplicate scans were evicted: " + metrics);
        assertTrue(metrics.get("evictions:projection") > 0, "projections were evicted: " + metrics);
        assertTrue(grown < budgets + SLACK, "the heap grew by " + (grown >> 20) + " MB; the result caches may hold "
                + (budgets >> 20) + " MB");
    }

    static Map<String, Object> minkowski(double p) {
        Map<String, Object> body = Queries.body(Queries.TINY_DATASET, Queries.TINY_MODEL, "global_pool", "minkowski", 1,
                "goldfish/n01443537_0.JPEG");
        body.put("p", p);
        return body;
    }

    /** The heap in use after full collections: the least of a few, so that a collection in flight does not count. */
    static long heapAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /** Polls /q/metrics until every result cache holds at most its bound; returns the figures read. */
    static Map<String, Double> awaitCachesWithinBounds() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            Map<String, Double> m = cacheMetrics();
            boolean within = CACHES.stream().allMatch(c -> m.get("bytes:" + c) <= m.get("max:" + c));
            if (within) {
                return m;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("result caches above their bounds: " + m);
            }
            // Caffeine's maintenance runs on the common pool after writes; a read request nudges it too
            given().get("/api/search/metrics").then().statusCode(200);
        }
    }

    static Map<String, Double> cacheMetrics() {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> m = new HashMap<>();
        read(text, "cnp_search_result_cache_bytes\\{cache=\"([a-z]+)\"[^}]*\\} (\\S+)", "bytes:", m);
        read(text, "cnp_search_result_cache_max_bytes\\{cache=\"([a-z]+)\"[^}]*\\} (\\S+)", "max:", m);
        read(text, "cache_evictions_total\\{cache=\"([a-z]+)\"[^}]*\\} (\\S+)", "evictions:", m);
        return m;
    }

    private static void read(String text, String regex, String prefix, Map<String, Double> into) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        while (matcher.find()) {
            into.put(prefix + matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
    }

    private static String cacheBytes(Map<String, Double> m) {
        StringBuilder out = new StringBuilder();
        for (String cache : CACHES) {
            out.append(cache).append(' ').append(String.format("%.1f", m.get("bytes:" + cache) / 1048576.0)).append(" MB ");
        }
        return out.toString().trim();
    }
}
