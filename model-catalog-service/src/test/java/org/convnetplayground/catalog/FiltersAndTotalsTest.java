package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.convnetplayground.onnx.graph.GraphNode;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FiltersAndTotalsTest {

    @Test
    void everyModelsTotalsAddUpAndMatchItsGraphAndMetadata() throws Exception {
        List<Map<String, Object>> models = given().get("/api/catalog/models").then().statusCode(200)
                .extract().jsonPath().getList("$");
        for (Map<String, Object> m : models) {
            String id = (String) m.get("id");
            OnnxModel onnx = OnnxModel.read(ModelResourceTest.MODELS.resolve(id + "/model.onnx"), Long.MAX_VALUE);
            long declared = new ObjectMapper().readTree(ModelResourceTest.MODELS.resolve(id + "/model.json").toFile())
                    .get("parameter_count").asLong();
            List<Map<String, Object>> layers = given().get("/api/catalog/models/" + id + "/layers").then()
                    .statusCode(200).extract().jsonPath().getList("$");
            long parameters = layers.stream().mapToLong(l -> ((Number) l.get("parameters")).longValue()).sum();
            long flops = layers.stream().mapToLong(l -> ((Number) l.get("flops")).longValue()).sum();
            assertEquals(onnx.graph().nodes().size(), layers.size(), id + ": one layer per graph node");
            assertEquals(declared, parameters, id + ": sum over layers = model.json parameter_count");
            assertEquals(((Number) m.get("parameters")).longValue(), parameters, id);
            assertEquals(((Number) m.get("flops")).longValue(), flops, id + ": total = sum over layers");
            // multiply-adds of every Conv recomputed from the graph: output elements x kernel volume per output
            long convFlops = 0;
            for (GraphNode n : onnx.graph().nodes()) {
                if (n.opType().equals("Conv")) {
                    List<?> shape = (List<?>) layers.get(n.index()).get("outputShape");
                    long outputs = 1;
                    for (int i = 1; i < shape.size(); i++) {
                        outputs *= ((Number) shape.get(i)).longValue();
                    }
                    List<Long> w = n.weightDims().get(1);
                    convFlops += outputs * w.get(1) * w.get(2) * w.get(3);
                }
            }
            assertTrue(convFlops > 0 && convFlops <= flops, id);
        }
    }

    @Test
    void firstLayerFiltersArePicturedInAGrid() throws Exception {
        byte[] png = given().get("/api/catalog/models/resnet50_v2_stage3/filters").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        BufferedImage grid = ImageIO.read(new ByteArrayInputStream(png));
        // 64 filters of 7x7, 6 px per weight, 11 columns, 2 px gaps
        assertEquals(11 * (7 * 6 + 2) + 2, grid.getWidth());
        assertEquals(6 * (7 * 6 + 2) + 2, grid.getHeight());
        given().get("/api/catalog/models/squeezenet1.1/filters?layer=fire2").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("Conv layer"));
        given().get("/api/catalog/models/squeezenet1.1/filters?layer=nope").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/catalog/models/squeezenet1.1/filters?layer=fire2/squeeze1x1").then().statusCode(404);
    }
}
