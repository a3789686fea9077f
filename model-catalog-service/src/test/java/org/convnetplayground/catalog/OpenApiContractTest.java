package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.convnetplayground.testing.Contracts;
import org.junit.jupiter.api.Test;

/** The OpenAPI document this service publishes is the one committed in contracts/, from which clients are generated. */
@QuarkusTest
class OpenApiContractTest {

    @Test
    void publishedDocumentEqualsTheCommittedContract() throws Exception {
        String live = given().get("/q/openapi").then().statusCode(200).extract().asString();
        List<String> differences = Contracts.differences("model-catalog-service", live);
        assertEquals(List.of(), differences, "contracts/model-catalog-service.yaml differs from what the service publishes; "
                + "if the change is intended, run 'make contracts' and rebuild the frontend client");
    }

    @Test
    void everyOperationIsDocumented() throws Exception {
        String live = given().get("/q/openapi").then().statusCode(200).extract().asString();
        assertEquals(List.of(), Contracts.documentationGaps(live));
    }
}
