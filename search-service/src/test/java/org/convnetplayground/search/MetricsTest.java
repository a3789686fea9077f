package org.convnetplayground.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = UpstreamServices.class, restrictToAnnotatedClass = false)
class MetricsTest {

    @Test
    void collectionSizesBuildsAndRankingTimeAreExposed() {
        Queries.query(Queries.body(Queries.TINY_DATASET, Queries.TINY_MODEL, "global_pool", "cosine", 5,
                "goldfish/n01443537_0.JPEG"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cnp_collection_size{dataset=\"tinyimagenet200\",layer=\"global_pool\","
                        + "model=\"mobilenet_v1_0.25_128\",pooling=\"avg\"} 200.0"))
                .body(containsString("cnp_search_jobs_active"))
                .body(containsString("cnp_query_ranking_seconds_count"));
    }
}
