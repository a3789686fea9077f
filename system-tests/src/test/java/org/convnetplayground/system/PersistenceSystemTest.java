package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Collections live on disk: after the search-service restarts, queries answer at once, without a rebuild. */
class PersistenceSystemTest {

    @Test
    void collectionsSurviveARestartOfTheSearchService() {
        Map<String, Object> q = Api.query("tinyimagenet200", "mobilenet_v1_0.25_128", "global_pool", "euclidean", 10,
                "school_bus/n04146614_1.JPEG");
        java.util.List<String> before = Api.search(q).getList("hits.id");
        Stack.get().restartSearch();
        io.restassured.response.Response after = Api.post(q);
        assertEquals(200, after.statusCode(), "no rebuild after a restart: " + after.asString());
        assertEquals(before, after.jsonPath().getList("hits.id"));
    }
}
