package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
// Applies to every test class of this module (restrictToAnnotatedClass = false).
@QuarkusTestResource(value = FreshCatalogData.class, restrictToAnnotatedClass = false)
class MetricsTest {

    @Test
    void prometheusMetricsCountModelsAndRequests() {
        given().get("/api/catalog/models").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cnp_models 8.0"))
                .body(containsString("cnp_models_rejected 0.0"))
                .body(containsString("http_server_requests_seconds_count{method=\"GET\""));
    }
}
