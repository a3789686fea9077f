package org.convnetplayground.catalog;

import static org.convnetplayground.catalog.CatalogTesting.assertUnharmed;
import static org.convnetplayground.catalog.CatalogTesting.sharedModels;
import static org.convnetplayground.catalog.CatalogTesting.tinyImageModelWithHiddenExternalData;
import static org.convnetplayground.catalog.CatalogTesting.tinyMetadata;
import static org.convnetplayground.catalog.CatalogTesting.upload;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.convnetplayground.catalog.store.ModelStore;
import org.convnetplayground.files.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Models that name files for their tensors' values (ONNX external data) anywhere - a branch of an If, the body of a
 * Loop nested in it - are refused naming the tensor and where it is, whether they come as an upload or are found in
 * the store at a scan; ONNX Runtime never gets them, so no file they name is ever opened.
 */
@QuarkusTest
class ExternalDataImportTest {

    private static final String ELSE = "the subgraph 'else_branch' of node 'leak' (If) in the main graph";

    @Inject
    ModelStore store;

    List<String> shared;

    @BeforeEach
    void snapshot() {
        CatalogTesting.emptyStore();
        shared = sharedModels();
    }

    @AfterEach
    void clean() {
        CatalogTesting.emptyStore();
    }

    @Test
    void anInitializerInAnIfBranchThatNamesAFileIsRefused() throws Exception {
        upload(tinyImageModelWithHiddenExternalData(true, "Makefile"), tinyMetadata("if_leak"))
                .statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Invalid model"))
                .body("parameter", equalTo("model"))
                .body("value", equalTo("secret"))
                .body("detail", equalTo("the model refers to external data: tensor 'secret', an initializer of the "
                        + "subgraph 'then_branch' of node 'leak' (If) in the main graph, keeps its values in the file "
                        + "'Makefile' (and 1 more tensors do the same); expected a self-contained ONNX file (save it "
                        + "without external data): the catalog never reads files a model names"));
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    @Test
    void aConstantInALoopBodyInsideAnIfBranchThatNamesAFileIsRefused() throws Exception {
        upload(tinyImageModelWithHiddenExternalData(false, "../../../../../../etc/passwd"), tinyMetadata("loop_leak"))
                .statusCode(400).contentType("application/problem+json")
                .body("value", equalTo("inner.value"))
                .body("detail", equalTo("the model refers to external data: tensor 'inner.value', attribute 'value' "
                        + "of node 'inner' (Constant) in the subgraph 'body' of node 'loop' (Loop) in " + ELSE
                        + ", keeps its values in the file '../../../../../../etc/passwd'; expected a self-contained "
                        + "ONNX file (save it without external data): the catalog never reads files a model names"));
        assertUnharmed(shared, store.storeDir(), List.of());
    }

    /** A hostile model put into the store's folder by other means (an older version, a hand copy) is not served. */
    @Test
    void aHostileModelFoundInTheStoreIsLeftOutWithoutReachingOnnxRuntime() throws Exception {
        Path planted = store.storeDir().resolve("planted");
        try {
            Files.createDirectories(planted);
            Files.write(planted.resolve("model.onnx"), tinyImageModelWithHiddenExternalData(true, "Makefile"));
            Files.writeString(planted.resolve("model.json"), "{\"name\": \"planted\", \"file\": \"model.onnx\", "
                    + "\"input\": {\"size\": [8, 8], \"layout\": \"NCHW\"}, \"preprocessing\": {\"mean\": [127.5, 127.5, "
                    + "127.5], \"std\": [127.5, 127.5, 127.5]}}");
            store.refresh();
            String why = store.rejected().get("store/planted");
            assertTrue(why != null && why.startsWith("the model refers to external data (tensor 'secret', an "
                    + "initializer of the subgraph 'then_branch' of node 'leak' (If) in the main graph, names the file "
                    + "'Makefile'); it is not given to ONNX Runtime"), String.valueOf(store.rejected()));
            assertEquals(shared, sharedModels());
            io.restassured.RestAssured.given().get("/api/catalog/models/planted").then().statusCode(404);
        } finally {
            FileTrees.deleteTree(planted);
            store.refresh();
        }
        assertUnharmed(shared, store.storeDir(), List.of());
    }
}
