package org.convnetplayground.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;

/** POST /api/search/collections/import: good files become searchable collections, bad ones leave nothing behind. */
@QuarkusTest
class VectorImportTest {

    static final String MODEL = "elsewhere-model";

    static Response upload(String dataset, byte[] vectors, byte[] ids) {
        var request = given().multiPart("dataset", dataset).multiPart("model", MODEL).multiPart("layer", "embedding");
        if (vectors != null) {
            request = request.multiPart("vectors", "vectors.npy", vectors, "application/octet-stream");
        }
        if (ids != null) {
            request = request.multiPart("ids", "ids.txt", ids, "text/plain");
        }
        return request.when().post("/api/search/collections/import");
    }

    static JsonPath imported(String dataset, float[] data, int n, int d) {
        Response r = upload(dataset, Npy.of(data, n, d), Npy.ids(n).getBytes(StandardCharsets.UTF_8));
        assertEquals(202, r.statusCode(), r.asString());
        assertEquals("collection-import", r.jsonPath().getString("kind"));
        return Queries.awaitJob(r.jsonPath().getString("job"));
    }

    static Map<String, Object> vectorQuery(String dataset, float[] vector, String metric, String mode) {
        Map<String, Object> b = new HashMap<>();
        b.put("dataset", dataset);
        b.put("model", MODEL);
        b.put("layer", "embedding");
        b.put("metric", metric);
        b.put("k", 10);
        b.put("vector", vector);
        if (mode != null) {
            b.put("mode", mode);
        }
        return b;
    }

    @Test
    void anImportedCollectionAnswersByIdAndByVector() {
        int n = 300;
        int d = 16;
        float[] data = Npy.clustered(n, d, 1);
        JsonPath job = imported("imported-small", data, n, d);
        assertEquals(n, job.getInt("result.size"));

        given().get("/api/search/collections/imported-small/" + MODEL + "/embedding").then().statusCode(200)
                .body("size", equalTo(n)).body("dimension", equalTo(d));
        JsonPath byId = Queries.query(Queries.body("imported-small", MODEL, "embedding", "euclidean", 10, "item-7"));
        assertEquals(10, byId.getList("hits").size());
        assertEquals("exact", byId.getString("mode"));
        float[] q = Arrays.copyOfRange(data, 7 * d, 8 * d);
        for (int i = 0; i < 10; i++) {
            String id = byId.getString("hits[" + i + "].id");
            assertTrue(!id.equals("item-7"), "the query item is left out");
            int row = Integer.parseInt(id.substring(5));
            assertEquals(Metric.EUCLIDEAN.distance(q, Arrays.copyOfRange(data, row * d, (row + 1) * d), 3),
                    byId.getDouble("hits[" + i + "].distance"), 1e-5);
            assertEquals("class-" + row % 10, byId.getString("hits[" + i + "].label"));
        }
        for (String mode : List.of("exact", "approximate", "auto")) {
            JsonPath byVector = given().contentType(ContentType.JSON).body(vectorQuery("imported-small", q, "cosine",
                    mode)).post("/api/search/query-vector").then().statusCode(200).extract().jsonPath();
            assertEquals("item-7", byVector.getString("hits[0].id"), mode);
            // a small collection has no approximate index: exact, and it says so when approximate was asked for
            assertEquals("exact", byVector.getString("mode"));
            assertEquals(mode.equals("approximate"), byVector.getString("modeNote") != null, mode);
            assertTrue(byVector.getDouble("tookMs") >= 0);
        }
        // an unknown id: the collection's own items are where the valid ones are listed (its dataset has no images)
        String items = "/api/search/collections/imported-small/" + MODEL + "/embedding/items?pooling=avg";
        given().contentType(ContentType.JSON).body(Queries.body("imported-small", MODEL, "embedding", "cosine", 10,
                "item-300")).post("/api/search/query").then().statusCode(404)
                .body("detail", startsWith("unknown item 'item-300' in collection imported-small/"))
                .body("detail", containsString("for example one of [item-0, item-1,"))
                .body("choicesUrl", equalTo(items));
        given().get(items.replace("?pooling=avg", "")).then().statusCode(200);
        given().get("/api/search/collections/imported-small/" + MODEL + "/embedding/vectors/nope").then()
                .statusCode(404).body("choicesUrl", equalTo(items));
        given().contentType(ContentType.JSON).body(vectorQuery("imported-small", q, "cosine", "fastest"))
                .post("/api/search/query-vector").then().statusCode(400)
                .body("detail", containsString("expected one of [exact, approximate, auto]"));
    }

    /**
     * Near-duplicates of an imported collection carry the labels of its items, whose ids (unlike a dataset's
     * "class/file") do not name them: the web UI shows them without images.
     */
    @Test
    void duplicatesOfAnImportedCollectionNameTheirLabels() {
        int n = 120;
        int d = 16;
        float[] data = Npy.clustered(n, d, 3);
        // item-104 is item-4 again, a hair apart: the one pair below a tiny threshold
        for (int j = 0; j < d; j++) {
            data[104 * d + j] = data[4 * d + j] * 1.000001f;
        }
        imported("imported-dups", data, n, d);
        String url = "/api/search/duplicates?dataset=imported-dups&model=" + MODEL + "&layer=embedding&metric=cosine"
                + "&threshold=0.000001";
        Response first = given().get(url);
        if (first.statusCode() == 202) {
            Queries.awaitJob(first.jsonPath().getString("job"));
        }
        JsonPath dups = given().get(url).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(List.of("item-104", "item-4")), dups.getList("groups"));
        assertEquals(Map.of("item-104", "class-4", "item-4", "class-4"), dups.getMap("labels"));
    }

    /**
     * 5,000 vectors (the approximate-index size in tests): the import starts an HNSW build; meanwhile queries are
     * answered exactly and say so, afterwards approximately with most of the exact neighbours; near-duplicates come
     * from the index.
     */
    @Test
    void aLargeImportGetsAnApproximateIndex() {
        int n = 5_000;
        int d = 16;
        float[] data = Npy.clustered(n, d, 2);
        // planted copies: rows 10 and 4010, 20 and 3020
        System.arraycopy(data, 10 * d, data, 4010 * d, d);
        System.arraycopy(data, 20 * d, data, 3020 * d, d);
        imported("imported-large", data, n, d);
        float[] q = Arrays.copyOfRange(data, 123 * d, 124 * d);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        JsonPath answer;
        while (true) {
            answer = given().contentType(ContentType.JSON).body(vectorQuery("imported-large", q, "cosine", null))
                    .post("/api/search/query-vector").then().statusCode(200).extract().jsonPath();
            if (answer.getString("mode").equals("approximate") || Instant.now().isAfter(deadline)) {
                break;
            }
            assertTrue(answer.getString("modeNote").contains("being built"), answer.prettify());
        }
        assertEquals("approximate", answer.getString("mode"), "the HNSW index was built within 3 minutes");
        double found = 0;
        for (int i = 0; i < 20; i++) {
            float[] query = Arrays.copyOfRange(data, (i * 997 % n) * d, (i * 997 % n + 1) * d);
            query[i % d] += 0.3f;
            Set<String> exact = new HashSet<>(given().contentType(ContentType.JSON)
                    .body(vectorQuery("imported-large", query, "cosine", "exact")).post("/api/search/query-vector")
                    .then().statusCode(200).extract().jsonPath().getList("hits.id"));
            JsonPath approximate = given().contentType(ContentType.JSON)
                    .body(vectorQuery("imported-large", query, "cosine", "auto")).post("/api/search/query-vector")
                    .then().statusCode(200).extract().jsonPath();
            assertEquals("approximate", approximate.getString("mode"));
            found += approximate.getList("hits.id", String.class).stream().filter(exact::contains).count();
        }
        double recall = found / 200;
        assertTrue(recall >= 0.9, "recall@10 = " + recall);
        // a metric the graph cannot order is answered exactly, and the answer says why
        JsonPath chebyshev = given().contentType(ContentType.JSON)
                .body(vectorQuery("imported-large", q, "chebyshev", "approximate")).post("/api/search/query-vector")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("exact", chebyshev.getString("mode"));
        assertTrue(chebyshev.getString("modeNote").contains("chebyshev"));

        // exact copies only (distance 0 under cosine, up to float rounding)
        String duplicates = "/api/search/duplicates?dataset=imported-large&model=" + MODEL
                + "&layer=embedding&threshold=0.000001";
        Response first = given().get(duplicates);
        if (first.statusCode() == 202) {
            Queries.awaitJob(first.jsonPath().getString("job"));
        }
        JsonPath pairs = given().get(duplicates).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(List.of("item-10", "item-4010"), List.of("item-20", "item-3020")),
                pairs.getList("groups"));
    }

    @Test
    void hostileFilesAreRefusedAndLeaveNothingBehind() throws Exception {
        float[] good = Npy.clustered(4, 3, 3);
        byte[] ids = Npy.ids(4).getBytes(StandardCharsets.UTF_8);
        float[] withNaN = good.clone();
        withNaN[7] = Float.NaN;
        float[] withInf = good.clone();
        withInf[11] = Float.NEGATIVE_INFINITY;
        byte[] full = Npy.of(good, 4, 3);
        Map<String, byte[][]> cases = new java.util.LinkedHashMap<>();
        cases.put("dtype is '<f8'", new byte[][] {Npy.write("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 3), }",
                new byte[96]), ids});
        cases.put("Fortran", new byte[][] {Npy.write("{'descr': '<f4', 'fortran_order': True, 'shape': (4, 3), }",
                Npy.floats(good)), ids});
        cases.put("shape is (2, 2, 3)", new byte[][] {Npy.write("{'descr': '<f4', 'fortran_order': False, 'shape': "
                + "(2, 2, 3), }", Npy.floats(good)), ids});
        cases.put("truncated", new byte[][] {Arrays.copyOf(full, full.length - 5), ids});
        cases.put("does not match its size", new byte[][] {Npy.write("{'descr': '<f4', 'fortran_order': False, "
                + "'shape': (3, 3), }", Npy.floats(good)), Npy.ids(3).getBytes(StandardCharsets.UTF_8)});
        cases.put("magic", new byte[][] {"id,x,y\n1,2,3\n".getBytes(StandardCharsets.UTF_8), ids});
        cases.put("3 lines for 4 vectors", new byte[][] {full, Npy.ids(3).getBytes(StandardCharsets.UTF_8)});
        cases.put("more lines than the 4", new byte[][] {full, Npy.ids(5).getBytes(StandardCharsets.UTF_8)});
        cases.put("again on line 3", new byte[][] {full, "a\tx\nb\tx\na\ty\nc\tz\n".getBytes(StandardCharsets.UTF_8)});
        cases.put("empty id", new byte[][] {full, "a\tx\n\ty\nb\tx\nc\tz\n".getBytes(StandardCharsets.UTF_8)});
        cases.put("not UTF-8", new byte[][] {full, new byte[] {'a', '\n', (byte) 0xff, (byte) 0xfe, '\n', 'c', '\n',
                'd', '\n'}});
        cases.put("missing ids", new byte[][] {full, null});
        cases.put("missing vectors", new byte[][] {null, ids});
        cases.put("is NaN", new byte[][] {Npy.of(withNaN, 4, 3), ids});
        cases.put("is -Infinity", new byte[][] {Npy.of(withInf, 4, 3), ids});

        List<Object> before = given().get("/api/search/collections").then().statusCode(200).extract().jsonPath()
                .getList("$");
        for (var c : cases.entrySet()) {
            Response r = upload("hostile", c.getValue()[0], c.getValue()[1]);
            String problem;
            if (r.statusCode() == 202) {
                // values are checked by the job: it fails with the problem
                JsonPath job = awaitEnd(r.jsonPath().getString("job"));
                assertEquals("failed", job.getString("state"), c.getKey());
                assertEquals(400, job.getInt("error.status"), c.getKey());
                problem = job.getString("error.detail");
            } else {
                assertEquals(400, r.statusCode(), c.getKey() + ": " + r.asString());
                assertEquals("application/problem+json", r.contentType(), c.getKey());
                problem = r.jsonPath().getString("detail");
            }
            assertTrue(problem.contains(c.getKey()), c.getKey() + ": " + problem);
            assertEquals(before, given().get("/api/search/collections").then().statusCode(200).extract().jsonPath()
                    .getList("$"), c.getKey() + ": the collection list is unchanged");
        }
        Path data = Repo.dir().resolve("search-service/target/test-data/search");
        try (Stream<Path> uploads = Files.list(data.resolve("uploads"));
             Stream<Path> staging = Files.list(data.resolve("collections"))) {
            assertEquals(List.of(), uploads.toList(), "no upload left behind");
            assertEquals(List.of(), staging.filter(p -> p.getFileName().toString().startsWith(".")).toList());
        }
    }

    @Test
    void notMultipartIs415AndTheOtherEndpointsKeepTheirLimit() {
        given().contentType(ContentType.JSON).body("{}").post("/api/search/collections/import").then()
                .statusCode(415).contentType("application/problem+json").body("detail", containsString("multipart"));
        given().contentType(ContentType.JSON).body(new byte[40_000_000])
                .post("/api/search/query").then().statusCode(413).contentType("application/problem+json");
    }

    /** Over the import limit (10 MB in tests): declared, refused before a byte is read; streamed, cut off. */
    @Test
    void uploadsOverTheImportLimitAre413Problems() throws Exception {
        byte[] big = Npy.of(new float[3_000_000], 1_000_000, 3);
        try (java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /api/search/collections/import HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 50000000\r\n\r\n--x\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // not a byte more is sent: the answer comes anyway
            String answer = readAnswer(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.contains("the upload is 50000000 bytes; the import limit is 10000000 bytes "
                    + "(cnp.search.imports.max-bytes)"), answer);
        }

        String boundary = "b0undary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"vectors\"; filename=\"v.npy\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = new byte[head.length + big.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(big, 0, body, head.length, big.length);
        java.net.http.HttpResponse<String> streamed = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                        + io.restassured.RestAssured.port + "/api/search/collections/import"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        // no Content-Length: sent chunked
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                                () -> new java.io.ByteArrayInputStream(body))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(413, streamed.statusCode(), streamed.body());
        assertTrue(streamed.body().contains("the import limit is 10000000 bytes"), streamed.body());
        Path uploads = Repo.dir().resolve("search-service/target/test-data/search/uploads");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            try (Stream<Path> left = Files.list(uploads)) {
                if (left.findAny().isEmpty()) {
                    return;
                }
            }
        }
        throw new AssertionError("the refused upload was not deleted");
    }

    /** An HTTP/1.1 answer's head and body (by its Content-Length), without waiting for the connection to close. */
    static String readAnswer(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                .matcher(head);
        int n = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return head + new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    static JsonPath awaitEnd(String url) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (Instant.now().isBefore(deadline)) {
            JsonPath job = given().get(url).then().statusCode(200).extract().jsonPath();
            if (!List.of("queued", "running").contains(job.getString("state"))) {
                return job;
            }
        }
        throw new AssertionError("job " + url + " did not end within a minute");
    }
}
