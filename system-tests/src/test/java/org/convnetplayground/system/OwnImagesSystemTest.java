package org.convnetplayground.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * A user's own photos: a zip of 30 photos in 3 folders becomes a dataset, searching in it finds same-class photos
 * first, and its collection follows the dataset as images are added and deleted (without a rebuild), and goes with it.
 */
class OwnImagesSystemTest {

    static final String NAME = "my-photos";
    static final String V2 = "mobilenet_v2_1.0_224";

    @Test
    void uploadedPhotosAreSearchableAndCollectionsFollowTheirChanges() throws IOException {
        JsonPath created = Api.request().multiPart("name", NAME).multiPart("archive", "photos.zip",
                        zip(List.of("elephant", "llama", "laptop"), 10), "application/zip")
                .post("/api/features/datasets").then().statusCode(201).extract().jsonPath();
        assertEquals(30, created.getInt("imported"));
        Api.request().get("/api/features/datasets").then().statusCode(200)
                .body("find { it.id == '" + NAME + "' }.classes", org.hamcrest.Matchers.equalTo(List.of("elephant", "laptop", "llama")));

        Map<String, Object> q = Api.query(NAME, V2, "global_pool", "cosine", 9, "elephant/0.jpg");
        List<String> labels = Api.search(q).getList("hits.label");
        assertEquals("elephant", labels.get(0));
        assertTrue(labels.stream().filter("elephant"::equals).count() >= 6, labels.toString());
        assertEquals(30, size());

        // two new photos in a new class: the next query by one of them waits for the collection to catch up
        Api.request().multiPart("files", "k1.jpg", photo("kangaroo", 0), "image/jpeg")
                .multiPart("files", "k2.jpg", photo("kangaroo", 1), "image/jpeg").multiPart("label", "kangaroo")
                .post("/api/features/datasets/" + NAME + "/images").then().statusCode(200)
                .body("imported", org.hamcrest.Matchers.equalTo(2));
        Map<String, Object> kangaroo = Api.query(NAME, V2, "global_pool", "cosine", 5, "kangaroo/k1.jpg");
        assertEquals("kangaroo/k2.jpg", Api.search(kangaroo).getString("hits[0].id"));
        assertEquals(32, size());

        // a deleted photo leaves the collection on its next use
        Api.request().delete("/api/features/datasets/" + NAME + "/images/laptop/3.jpg").then().statusCode(204);
        awaitTrue("the collection drops the deleted photo", () -> {
            Api.post(q);
            return size() == 31;
        });
        assertTrue(Api.search(q).getList("hits.id").stream().noneMatch("laptop/3.jpg"::equals));

        // the dataset goes, and its collections with it (the search-service looks at dataset versions every few seconds)
        Api.request().delete("/api/features/datasets/" + NAME).then().statusCode(204);
        awaitTrue("queries on the deleted dataset answer 404", () -> Api.post(q).statusCode() == 404);
        Response gone = Api.post(q);
        assertTrue(gone.asString().contains("unknown dataset '" + NAME + "'"), gone.asString());
        Api.request().get("/api/search/collections").then().statusCode(200)
                .body("findAll { it.dataset == '" + NAME + "' }.size()", org.hamcrest.Matchers.equalTo(0));
    }

    private static int size() {
        return Api.request().get("/api/search/collections/" + NAME + "/" + V2 + "/global_pool").then().statusCode(200)
                .extract().jsonPath().getInt("size");
    }

    private static void awaitTrue(String what, Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Api.pause();
        }
    }

    static byte[] zip(List<String> classes, int perClass) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (String c : classes) {
                for (int i = 0; i < perClass; i++) {
                    z.putNextEntry(new ZipEntry(c + "/" + i + ".jpg"));
                    z.write(photo(c, i));
                    z.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

    static byte[] photo(String label, int index) throws IOException {
        try (Stream<Path> files = Files.list(Repo.datasets().resolve("caltech101-iconic200").resolve(label))) {
            return Files.readAllBytes(files.sorted().skip(index).findFirst().orElseThrow());
        }
    }
}
