package org.convnetplayground.catalog;

import static org.convnetplayground.catalog.CatalogTesting.JSON;
import static org.convnetplayground.catalog.CatalogTesting.assertUnharmed;
import static org.convnetplayground.catalog.CatalogTesting.sharedModels;
import static org.convnetplayground.catalog.CatalogTesting.tinyImageModel;
import static org.convnetplayground.catalog.CatalogTesting.upload;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.convnetplayground.catalog.store.ModelStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Numbers that cannot be searched: preprocessing that makes a model's input explode, and models whose sample run gives
 * NaN or infinity, are refused naming the field or the layer; nothing is stored.
 */
@QuarkusTest
class NonFiniteImportTest {

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
    void aModelWhoseSampleRunGivesNaNIsRefusedNamingTheLayer() throws Exception {
        upload(tinyImageModel(false, "Log"), CatalogTesting.tinyMetadata("log_of_negatives"))
                .statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Invalid model"))
                .body("parameter", equalTo("model"))
                .body("value", equalTo("relu"))
                .body("detail", equalTo("the model's sample run gives NaN in layer 'relu': an image of pixel values 0 "
                        + "to 255, preprocessed with the stated mean [127.5, 127.5, 127.5] and std [127.5, 127.5, 127.5], "
                        + "should give finite numbers everywhere; check the preprocessing (pixel units 0..255) and the "
                        + "weights"));
        // the same graph with its Relu imports: the check is about the numbers, not the operators
        upload(tinyImageModel(false, "Relu"), CatalogTesting.tinyMetadata("finite")).statusCode(201);
        assertUnharmed(shared, store.storeDir(), List.of("finite"));
    }

    @Test
    void aStdSoSmallThatTheInputExplodesIsRefusedWithTheValidRange() throws Exception {
        for (String std : List.of("[1e-300, 1e-300, 1e-300]", "1e-300", "[58.395, 0.001, 57.375]", "[1e400, 1, 1]",
                "[1e5, 1e5, 1e5]")) {
            ObjectNode meta = (ObjectNode) JSON.readTree(CatalogTesting.tinyMetadata("exploding"));
            ((ObjectNode) meta.get("preprocessing")).set("std", JSON.readTree(std));
            upload(tinyImageModel(), meta.toString()).statusCode(400).contentType("application/problem+json")
                    .body("parameter", equalTo("metadata.preprocessing.std"))
                    .body("detail", startsWith("invalid metadata.preprocessing.std: '"))
                    .body("detail", containsString("; expected 3 numbers > 0, each from 0.01 to 10000 (one per channel, "
                            + "in pixel units 0..255: x = (pixel - mean) / std; a smaller std makes the model's input "
                            + "explode), or one such number for all three"));
        }
        for (String scale : List.of("1e300", "[1000, 1, 1]", "0.00001")) {
            ObjectNode meta = (ObjectNode) JSON.readTree(CatalogTesting.tinyMetadata("exploding"));
            ((ObjectNode) meta.get("preprocessing")).remove("std");
            ((ObjectNode) meta.get("preprocessing")).set("scale", JSON.readTree(scale));
            upload(tinyImageModel(), meta.toString()).statusCode(400)
                    .body("parameter", equalTo("metadata.preprocessing.scale"))
                    .body("detail", containsString("expected 3 numbers > 0, each from 0.0001 to 100"));
        }
        for (String mean : List.of("[1e400, 0, 0]", "-1e400", "[127.5, 127.5, 256]")) {
            ObjectNode meta = (ObjectNode) JSON.readTree(CatalogTesting.tinyMetadata("exploding"));
            ((ObjectNode) meta.get("preprocessing")).set("mean", JSON.readTree(mean));
            upload(tinyImageModel(), meta.toString()).statusCode(400)
                    .body("parameter", equalTo("metadata.preprocessing.mean"))
                    .body("detail", containsString("expected 3 numbers from 0 to 255"));
        }
        assertUnharmed(shared, store.storeDir(), List.of());
    }
}
