package org.convnetplayground.features.dataset;

import static io.restassured.RestAssured.given;
import static org.convnetplayground.features.FeatureTesting.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.convnetplayground.features.CatalogService;
import org.convnetplayground.features.FeatureTesting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Datasets made from uploads: zip imports with class folders, adding and deleting images, registering folders - and
 * every kind of hostile archive, after each of which the service still answers and nothing that existed changed.
 */
@QuarkusTest
@TestProfile(DatasetImportTest.Profile.class)
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class DatasetImportTest {

    static final Path DATA = Path.of("target/test-data/imports-" + UUID.randomUUID()).toAbsolutePath();
    static final Path ALLOWED = DATA.resolve("allowed");
    static final String API = "/api/features/datasets";

    /** A private data directory, an allowed root, and small import limits so bombs are cheap to build. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cnp.features.data-dir", DATA.toString(),
                    "cnp.features.allowed-roots", ALLOWED.toString(),
                    "cnp.features.imports.max-entries", "60",
                    "cnp.features.imports.max-unpacked-bytes", "8000000");
        }
    }

    private Map<String, String> versionsBefore;

    @BeforeEach
    void remember() {
        versionsBefore = versions();
    }

    @AfterEach
    void nothingElseChanged() {
        given().get(API).then().statusCode(200);
        Map<String, String> after = versions();
        versionsBefore.forEach((id, version) -> {
            if (!id.startsWith("t-")) {
                assertEquals(version, after.get(id), "dataset " + id + " is untouched");
            }
        });
    }

    @Test
    void aZipOfThirtyPhotosInThreeFoldersImportsWithItsClasses() throws IOException {
        byte[] zip = zip(Map.of(), "photos/", List.of("elephant", "llama", "laptop"), 10);
        JsonPath created = given().multiPart("name", "t-photos").multiPart("archive", "photos.zip", zip, "application/zip")
                .post(API).then().statusCode(201).header("Location", "/api/features/datasets/t-photos")
                .extract().jsonPath();
        assertEquals(30, created.getInt("imported"));
        assertEquals(0, created.getList("skipped").size());
        JsonPath d = given().get(API + "/t-photos").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("elephant", "laptop", "llama"), d.getList("classes"));
        assertEquals(30, d.getInt("imageCount"));
        assertEquals("uploaded", d.getString("source"));
        assertTrue(d.getBoolean("writable"));
        assertProblem(given().multiPart("name", "t-photos").multiPart("archive", "photos.zip", zip, "application/zip")
                .post(API), 409, "'t-photos' already exists");
        given().delete(API + "/t-photos").then().statusCode(204);
        assertProblem(given().get(API + "/t-photos"), 404, "unknown dataset 't-photos'");
    }

    @Test
    void badEntriesAreSkippedAndReportedTheRestImported() throws IOException {
        byte[] jpeg = photo("elephant", 0);
        byte[] truncated = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(out)) {
            put(z, "cats/good.jpg", jpeg);
            put(z, "../../escape.jpg", jpeg);
            put(z, "/etc/absolute.jpg", jpeg);
            put(z, "cats/../../../sneaky.jpg", jpeg);
            put(z, "cats/notes.txt", "hello".getBytes(StandardCharsets.UTF_8));
            put(z, "cats/fake.jpg", "this is not a JPEG at all".getBytes(StandardCharsets.UTF_8));
            put(z, "cats/cut.jpg", truncated);
            put(z, ".hidden/x.jpg", jpeg);
            put(z, "__MACOSX/cats/._good.jpg", jpeg);
            ZipArchiveEntry link = new ZipArchiveEntry("cats/link.jpg");
            link.setUnixMode(UnixStat.LINK_FLAG | 0777);
            z.putArchiveEntry(link);
            z.write("/etc/passwd".getBytes(StandardCharsets.UTF_8));
            z.closeArchiveEntry();
        }
        JsonPath r = given().multiPart("name", "t-mixed").multiPart("archive", "mixed.zip", out.toByteArray(), "application/zip")
                .post(API).then().statusCode(201).extract().jsonPath();
        assertEquals(1, r.getInt("imported"));
        Map<String, String> reasons = new java.util.HashMap<>();
        for (Map<String, String> s : r.<Map<String, String>>getList("skipped")) {
            reasons.put(s.get("name"), s.get("reason"));
        }
        assertTrue(reasons.get("../../escape.jpg").contains("outside"), reasons.toString());
        assertTrue(reasons.get("/etc/absolute.jpg").contains("absolute"), reasons.toString());
        assertTrue(reasons.get("cats/../../../sneaky.jpg").contains("outside"), reasons.toString());
        assertTrue(reasons.get("cats/notes.txt").contains("not an image"), reasons.toString());
        assertTrue(reasons.get("cats/fake.jpg").contains("not an image"), reasons.toString());
        assertTrue(reasons.get("cats/cut.jpg").contains("truncated"), reasons.toString());
        assertTrue(reasons.get("cats/link.jpg").contains("link"), reasons.toString());
        assertTrue(reasons.get(".hidden/x.jpg").contains("hidden"), reasons.toString());
        assertEquals(List.of("cats/good.jpg"), given().get(API + "/t-mixed/images").jsonPath().getList("items.id"));
        assertFalse(Files.exists(DATA.resolve("escape.jpg")));
        assertFalse(Files.exists(DATA.getParent().resolve("escape.jpg")));
        given().delete(API + "/t-mixed").then().statusCode(204);
    }

    /**
     * Names that cannot become image ids are skipped with a reason: one a file system cannot store (a 300-character
     * file name answered 500 before), and control and bidirectional formatting characters, named by code point and
     * never echoed raw.
     */
    @Test
    void entriesWithUnusableNamesAreSkippedNamingWhy() throws IOException {
        byte[] jpeg = photo("elephant", 0);
        String longName = "cats/" + "a".repeat(296) + ".jpg";
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put(longName, "file and folder names are limited to 255 bytes");
        expected.put("cats/photo\u202Egpj.exe.jpg", "U+202E (RIGHT-TO-LEFT OVERRIDE), a bidirectional formatting character");
        expected.put("cats/mark\u200F.jpg", "U+200F (RIGHT-TO-LEFT MARK)");
        expected.put("cats/isolate\u2067x.jpg", "U+2067 (RIGHT-TO-LEFT ISOLATE)");
        expected.put("cats/embed\u202Ax.jpg", "U+202A (LEFT-TO-RIGHT EMBEDDING)");
        expected.put("cats/bell\u0007.jpg", "U+0007");
        expected.put("cats/tab\tname.jpg", "U+0009");
        expected.put("cats/new\nline.jpg", "U+000A");
        expected.put("cats\u2066/x.jpg", "U+2066 (LEFT-TO-RIGHT ISOLATE)");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(out)) {
            put(z, "cats/good.jpg", jpeg);
            for (String name : expected.keySet()) {
                put(z, name, jpeg);
            }
        }
        Response response = given().multiPart("name", "t-names").multiPart("archive", "names.zip", out.toByteArray(),
                "application/zip").post(API);
        String body = response.asString();
        assertEquals(201, response.statusCode(), body);
        JsonPath r = response.jsonPath();
        assertEquals(1, r.getInt("imported"), body);
        List<Map<String, String>> skipped = r.getList("skipped");
        assertEquals(expected.size(), skipped.size(), body);
        for (Map<String, String> s : skipped) {
            String shown = s.get("name");
            String original = expected.keySet().stream().filter(n -> shown.equals(printable(n))).findFirst()
                    .orElseThrow(() -> new AssertionError("unexpected skipped name " + shown + " in " + body));
            assertTrue(s.get("reason").contains(expected.get(original)), original + ": " + s.get("reason"));
        }
        for (int cp : new int[] {0x202E, 0x200F, 0x2067, 0x202A, 0x2066}) {
            assertFalse(body.contains(new String(Character.toChars(cp))), "the answer holds U+" + Integer.toHexString(cp));
        }
        assertEquals(List.of("cats/good.jpg"), given().get(API + "/t-names/images").jsonPath().getList("items.id"));
        given().delete(API + "/t-names").then().statusCode(204);
    }

    @Test
    void uploadedFilesWithUnusableNamesAreSkippedNamingWhy() throws IOException {
        given().multiPart("name", "t-upnames").multiPart("archive", "g.zip", zip(Map.of(), "", List.of("llama"), 1),
                "application/zip").post(API).then().statusCode(201);
        String longName = "b".repeat(300) + ".jpg";
        // written by hand: a client library would re-encode the names; browsers send them as UTF-8, as here
        JsonPath added = utf8Multipart(List.of(new Part("files", "ok.jpg", photo("kangaroo", 0)),
                        new Part("files", longName, photo("kangaroo", 1)),
                        new Part("files", "x\u202Egpj.exe.jpg", photo("kangaroo", 2))))
                .post(API + "/t-upnames/images").then().statusCode(200).extract().jsonPath();
        assertEquals(1, added.getInt("imported"), added.prettify());
        Map<String, String> reasons = new java.util.HashMap<>();
        for (Map<String, String> s : added.<Map<String, String>>getList("skipped")) {
            reasons.put(s.get("name"), s.get("reason"));
        }
        assertTrue(reasons.get(printable(longName)).contains("limited to 255 bytes"), reasons.toString());
        assertTrue(reasons.get("x<U+202E>gpj.exe.jpg").contains("U+202E (RIGHT-TO-LEFT OVERRIDE)"), reasons.toString());
        assertEquals(List.of("llama/0.jpg", "ok.jpg"), given().get(API + "/t-upnames/images").jsonPath().getList("items.id"));
        given().delete(API + "/t-upnames").then().statusCode(204);
    }

    @Test
    void datasetNamesWithControlOrBidiCharactersAreRefusedNamingThem() throws IOException {
        byte[] zip = zip(Map.of(), "", List.of("llama"), 1);
        Response r = utf8Multipart(List.of(new Part("name", null, "t-\u202Egnp".getBytes(StandardCharsets.UTF_8)),
                new Part("archive", "p.zip", zip))).post(API);
        JsonPath problem = assertProblem(r, 400, "invalid name: 't-<U+202E>gnp'", "U+202E (RIGHT-TO-LEFT OVERRIDE)");
        assertEquals("t-<U+202E>gnp", problem.getString("value"));
        assertFalse(r.asString().contains("\u202E"), r.asString());
        assertProblem(given().multiPart("name", "t-" + "n".repeat(300)).multiPart("archive", "p.zip", zip, "application/zip")
                .post(API), 400, "invalid name", "(302 characters)");
    }

    /** A multipart field: a file when {@code fileName} is set, else a text value (UTF-8). */
    record Part(String field, String fileName, byte[] content) {
    }

    /** A multipart/form-data request with names and values in UTF-8, as browsers send them. */
    static io.restassured.specification.RequestSpecification utf8Multipart(List<Part> parts) throws IOException {
        String boundary = "----cnp" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part part : parts) {
            String disposition = "Content-Disposition: form-data; name=\"" + part.field() + "\""
                    + (part.fileName() == null ? "" : "; filename=\"" + part.fileName() + "\"");
            body.write(("--" + boundary + "\r\n" + disposition + "\r\n"
                    + (part.fileName() == null ? "Content-Type: text/plain; charset=UTF-8" : "Content-Type: application/octet-stream")
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(part.content());
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return given().contentType("multipart/form-data; boundary=" + boundary).body(body.toByteArray());
    }

    /** How the service shows a name: unusable characters as <U+XXXX>, cut after 200 characters. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(cp -> {
            boolean unsafe = Character.getType(cp) == Character.CONTROL || cp == 0x200E || cp == 0x200F || cp == 0x061C
                    || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
            out.append(unsafe ? String.format("<U+%04X>", cp) : new String(Character.toChars(cp)));
        });
        String s = out.toString();
        return s.length() <= 200 ? s : s.substring(0, 200) + "… (" + s.length() + " characters)";
    }

    @Test
    void zipBombsAndJunkAreRefusedWholeWithNothingLeftBehind() throws IOException {
        // too many entries
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(many)) {
            for (int i = 0; i < 61; i++) {
                z.putNextEntry(new ZipEntry("x/" + i + ".jpg"));
                z.write(1);
                z.closeEntry();
            }
        }
        assertProblem(given().multiPart("name", "t-many").multiPart("archive", "many.zip", many.toByteArray(), "application/zip")
                .post(API), 413, "61 entries", "limit is 60");
        // unpacks to more than the limit: zeros compress a thousandfold; headers are not believed
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bomb)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 12; i++) {
                z.putNextEntry(new ZipEntry("b/" + i + ".png"));
                z.write(zeros);
                z.closeEntry();
            }
        }
        assertTrue(bomb.size() < 200_000, "a small archive: " + bomb.size());
        assertProblem(given().multiPart("name", "t-bomb").multiPart("archive", "bomb.zip", bomb.toByteArray(), "application/zip")
                .post(API), 413, "unpacks to more than 8000000");
        assertProblem(given().multiPart("name", "t-junk").multiPart("archive", "junk.zip", "not a zip".getBytes(), "application/zip")
                .post(API), 400, "not a readable zip");
        assertProblem(given().multiPart("name", "t-empty").multiPart("archive", "e.zip", zip(Map.of("a.txt", "x".getBytes()), "", List.of(), 0), "application/zip")
                .post(API), 400, "no usable image");
        for (String bad : List.of("../evil", "a/b", ".hidden", "")) {
            Response r = given().multiPart("name", bad).multiPart("archive", "p.zip", zip(Map.of(), "", List.of("llama"), 1), "application/zip")
                    .post(API);
            assertEquals(400, r.statusCode(), bad + ": " + r.asString());
        }
        try (Stream<Path> left = Files.list(DATA.resolve("datasets"))) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("t-") || n.startsWith(".")).toList(),
                    "no dataset and no staging folder left behind");
        }
    }

    @Test
    void imagesAreAddedToAndDeletedFromUploadedDatasetsOnly() throws IOException {
        given().multiPart("name", "t-grow").multiPart("archive", "g.zip", zip(Map.of(), "", List.of("llama"), 2), "application/zip")
                .post(API).then().statusCode(201);
        String before = given().get(API + "/t-grow").jsonPath().getString("version");
        JsonPath added = given().multiPart("files", "new.jpg", photo("kangaroo", 0), "image/jpeg")
                .multiPart("files", "bad.jpg", "nope".getBytes(), "image/jpeg").multiPart("label", "kangaroo")
                .post(API + "/t-grow/images").then().statusCode(200).extract().jsonPath();
        assertEquals(1, added.getInt("imported"));
        assertEquals("bad.jpg", added.getString("skipped[0].name"));
        JsonPath d = given().get(API + "/t-grow").jsonPath();
        assertEquals(3, d.getInt("imageCount"));
        assertFalse(before.equals(d.getString("version")), "the version changes with the images");
        given().delete(API + "/t-grow/images/kangaroo/new.jpg").then().statusCode(204);
        assertEquals(2, given().get(API + "/t-grow").jsonPath().getInt("imageCount"));
        assertProblem(given().delete(API + "/t-grow/images/kangaroo/new.jpg"), 404, "unknown image");
        assertProblem(given().multiPart("files", "x.jpg", photo("llama", 0), "image/jpeg")
                .post(API + "/caltech101-iconic200/images"), 409, "read-only");
        assertProblem(given().delete(API + "/caltech101-iconic200/images/llama/image_0002.jpg"), 409, "read-only");
        assertProblem(given().delete(API + "/caltech101-iconic200"), 409, "read-only");
        given().delete(API + "/t-grow").then().statusCode(204);
    }

    @Test
    void foldersAreRegisteredOnlyUnderTheAllowedRoots() throws IOException {
        Path folder = ALLOWED.resolve("receipts/shop");
        Files.createDirectories(folder);
        Files.write(folder.resolve("r1.jpg"), photo("laptop", 0));
        Path outside = DATA.resolve("outside");
        Files.createDirectories(outside);
        Files.write(outside.resolve("secret.jpg"), photo("laptop", 1));
        Files.createSymbolicLink(ALLOWED.resolve("escape"), outside);

        given().contentType(ContentType.JSON).body(Map.of("id", "t-receipts", "path", ALLOWED.resolve("receipts").toString()))
                .post(API + "/registrations").then().statusCode(201).body("imageCount", org.hamcrest.Matchers.equalTo(1))
                .body("source", org.hamcrest.Matchers.equalTo("registered"));
        assertProblem(given().contentType(ContentType.JSON).body(Map.of("id", "t-out", "path", outside.toString()))
                .post(API + "/registrations"), 400, "allowed roots");
        assertProblem(given().contentType(ContentType.JSON).body(Map.of("id", "t-link", "path", ALLOWED.resolve("escape").toString()))
                .post(API + "/registrations"), 400, "allowed roots");
        assertProblem(given().contentType(ContentType.JSON).body(Map.of("id", "t-rel", "path", ALLOWED + "/../outside"))
                .post(API + "/registrations"), 400, "allowed roots");
        assertProblem(given().delete(API + "/t-receipts/images/shop/r1.jpg"), 409, "read-only");
        given().delete(API + "/t-receipts").then().statusCode(204);
        assertTrue(Files.exists(folder.resolve("r1.jpg")), "unregistering leaves the files");
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    static Map<String, String> versions() {
        Map<String, String> out = new java.util.HashMap<>();
        for (Map<String, Object> d : given().get(API).jsonPath().<Map<String, Object>>getList("$")) {
            out.put((String) d.get("id"), (String) d.get("version"));
        }
        return out;
    }

    /** A zip of {@code perClass} caltech photos per class (under {@code top}), plus extra entries. */
    static byte[] zip(Map<String, byte[]> extra, String top, List<String> classes, int perClass) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (String c : classes) {
                for (int i = 0; i < perClass; i++) {
                    z.putNextEntry(new ZipEntry(top + c + "/" + i + ".jpg"));
                    z.write(photo(c, i));
                    z.closeEntry();
                }
            }
            for (Map.Entry<String, byte[]> e : extra.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] photo(String label, int index) throws IOException {
        try (Stream<Path> files = Files.list(FeatureTesting.datasetDir(FeatureTesting.CALTECH).resolve(label))) {
            return Files.readAllBytes(files.sorted().skip(index).findFirst().orElseThrow());
        }
    }

    private static void put(ZipArchiveOutputStream z, String name, byte[] bytes) throws IOException {
        z.putArchiveEntry(new ZipArchiveEntry(name));
        z.write(bytes);
        z.closeArchiveEntry();
    }
}
