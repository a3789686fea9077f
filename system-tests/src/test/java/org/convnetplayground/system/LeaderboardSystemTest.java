package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * The original playground's "compare all": on caltech101-iconic200 every model's feature layers under cosine and
 * euclidean, computed as one job; in every model the final layers retrieve same-class photos better than the first
 * convolution.
 */
class LeaderboardSystemTest {

    @Test
    void everyModelsLateLayersBeatItsFirstConvolution() throws IOException {
        String path = "/api/search/leaderboard?dataset=caltech101-iconic200&metrics=cosine,euclidean";
        Response r = Api.request().get(path);
        if (r.statusCode() == 202) {
            Api.awaitJob(r.jsonPath().getString("job"));
            r = Api.request().get(path);
        }
        assertEquals(200, r.statusCode(), r.asString());
        JsonPath board = r.jsonPath(JsonPathConfig.jsonPathConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
        List<String> onDisk;
        try (Stream<Path> dirs = Files.list(Repo.models())) {
            onDisk = dirs.filter(d -> Files.exists(d.resolve("model.json"))).map(d -> d.getFileName().toString()).sorted().toList();
        }
        List<Map<String, Object>> models = board.getList("models");
        assertEquals(onDisk, models.stream().map(m -> (String) m.get("id")).sorted().toList());
        List<Map<String, Object>> rows = board.getList("rows");
        StringBuilder table = new StringBuilder();
        for (Map<String, Object> model : models) {
            @SuppressWarnings("unchecked")
            List<String> layers = (List<String>) model.get("featureLayers");
            for (String metric : List.of("cosine", "euclidean")) {
                List<Map<String, Object>> mine = rows.stream()
                        .filter(x -> x.get("model").equals(model.get("id")) && x.get("metric").equals(metric))
                        .sorted(Comparator.comparingInt(x -> ((Number) x.get("depth")).intValue())).toList();
                assertEquals(layers.size(), mine.size(), model.get("id") + " " + metric + ": every feature layer");
                double first = map(mine.get(0));
                double late = Math.max(map(mine.get(mine.size() - 1)), map(mine.get(mine.size() - 2)));
                table.append(String.format("%-22s %-9s first %.3f  late %.3f%n", model.get("id"), metric, first, late));
                assertTrue(late > first, model.get("id") + " " + metric + ": late " + late + " vs first " + first);
            }
        }
        System.out.print(table);
    }

    private static double map(Map<String, Object> row) {
        return ((Number) row.get("map")).doubleValue();
    }
}
