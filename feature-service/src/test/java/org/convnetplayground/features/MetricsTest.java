package org.convnetplayground.features;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesRegex;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class MetricsTest {

    @Test
    void extractionThroughputQueueDepthAndImagesAreExposed() throws Exception {
        String job = given().contentType(ContentType.JSON)
                .body(Map.of("dataset", "tinyimagenet200", "model", "mobilenet_v1_0.25_128", "layers", List.of("Conv2d_1_pointwise")))
                .post("/api/features/extractions").then().statusCode(202).extract().jsonPath().getString("job");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!given().get(job).jsonPath().getString("state").equals("succeeded")) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("extraction did not finish");
            }
            Thread.sleep(200);
        }
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cnp_extraction_images_total{model=\"mobilenet_v1_0.25_128\"}"))
                .body(containsString("cnp_extraction_jobs_active 0.0"))
                .body(matchesRegex("(?s).*cnp_extraction_throughput_images_s [1-9][0-9.]*(E[0-9]+)?\\n.*"))
                .body(containsString("cnp_extraction_batch_seconds_count"));
    }
}
