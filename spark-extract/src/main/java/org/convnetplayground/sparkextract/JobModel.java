package org.convnetplayground.sparkextract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.convnetplayground.inference.image.PreprocessingSpec;
import org.convnetplayground.model.metadata.ModelJsonReader;
import org.convnetplayground.model.metadata.ModelPreprocessing;

/**
 * The model a job runs, resolved on the driver: from a model folder ({@code model.json} + ONNX file, read by the
 * catalog's own reader) or from the model-catalog-service over HTTP (its description and {@code /file}, the way the
 * feature-service gets them). The ONNX file's checksum is verified either way.
 *
 * @param id            the model's id
 * @param sha256        the checksum of its ONNX file
 * @param inputName     the graph input that takes the image
 * @param preprocessing how an image becomes its input
 * @param featureLayers the named feature layers, offered when a layer is unknown
 * @param file          the verified ONNX file on the driver's disk
 */
record JobModel(String id, String sha256, String inputName, PreprocessingSpec preprocessing,
                List<String> featureLayers, Path file) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the model folder {@code dir}: its {@code model.json} and the ONNX file it names. */
    static JobModel fromFolder(Path dir) throws IOException {
        Path meta = dir.resolve("model.json");
        if (!Files.isRegularFile(meta)) {
            throw new JobFailure("model folder " + dir + " has no model.json; expected a folder of ../shared/models "
                    + "(model.json and its ONNX file)");
        }
        String id = dir.toAbsolutePath().normalize().getFileName().toString();
        JsonNode json = JSON.readTree(meta.toFile());
        ModelPreprocessing p;
        try {
            p = ModelJsonReader.preprocessing(id, json);
        } catch (IllegalArgumentException e) {
            throw new JobFailure(e.getMessage());
        }
        Path file = dir.resolve(ModelJsonReader.file(json));
        String sha = ModelJsonReader.sha256(json);
        String actual = sha256(file);
        if (!sha.isEmpty() && !sha.equalsIgnoreCase(actual)) {
            throw new JobFailure("the ONNX file " + file + " has SHA-256 " + actual + " but model.json declares " + sha);
        }
        return new JobModel(id, actual, inputOf(id, ModelJsonReader.inputName(json)), spec(p),
                ModelJsonReader.featureLayers(json), file);
    }

    /**
     * Asks the model-catalog-service at {@code catalogUrl} for model {@code id} and fetches its ONNX file into
     * {@code cacheDir} (kept by checksum, as the feature-service keeps it).
     */
    static JobModel fromCatalog(String catalogUrl, String id, Path cacheDir) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = catalogUrl.replaceAll("/+$", "") + "/api/catalog/models/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
        HttpResponse<String> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new JobFailure("cannot reach the model-catalog-service at " + catalogUrl + ": " + e);
        }
        if (answer.statusCode() != 200) {
            throw new JobFailure("the model-catalog-service at " + catalogUrl + " answered " + answer.statusCode()
                    + " for model '" + id + "': " + answer.body());
        }
        JsonNode m = JSON.readTree(answer.body());
        JsonNode pre = m.path("preprocessing");
        List<Integer> size = new ArrayList<>();
        pre.path("inputSize").forEach(n -> size.add(n.asInt()));
        List<Double> mean = new ArrayList<>();
        pre.path("mean").forEach(n -> mean.add(n.asDouble()));
        List<Double> std = new ArrayList<>();
        pre.path("std").forEach(n -> std.add(n.asDouble()));
        // the same conversion the feature-service applies to the catalog's answer (ModelRegistry)
        PreprocessingSpec spec = PreprocessingSpec.of(size, pre.path("layout").asText(),
                pre.path("channelOrder").asText(), mean, std, pre.path("resize").asText(),
                pre.path("cropFraction").asDouble(), pre.path("interpolation").asText());
        List<String> features = new ArrayList<>();
        m.path("featureLayers").forEach(n -> features.add(n.asText()));
        String sha = m.path("sha256").asText();
        Files.createDirectories(cacheDir);
        Path target = cacheDir.resolve(sha + ".onnx");
        if (!Files.isRegularFile(target)) {
            download(http, base + "/file", sha, target);
        }
        return new JobModel(id, sha, inputOf(id, m.path("inputName").asText("")), spec, List.copyOf(features),
                target);
    }

    private static void download(HttpClient http, String url, String sha, Path target)
            throws IOException, InterruptedException {
        Path tmp = Files.createTempFile(target.getParent(), sha, ".part");
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest digest = sha256Digest();
            try (InputStream in = response.body();
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
                if (response.statusCode() != 200) {
                    throw new JobFailure("the model-catalog-service answered " + response.statusCode() + " for "
                            + url);
                }
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equalsIgnoreCase(sha)) {
                throw new JobFailure("the model file from " + url + " has SHA-256 " + actual + ", the catalog says "
                        + sha);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static PreprocessingSpec spec(ModelPreprocessing p) {
        return PreprocessingSpec.of(p.inputSize(), p.layout(), p.channelOrder(), p.mean(), p.std(), p.resize(),
                p.cropFraction(), p.interpolation());
    }

    private static String inputOf(String id, String inputName) {
        if (inputName.isEmpty()) {
            throw new JobFailure("model '" + id + "' does not name its image input (input.name)");
        }
        return inputName;
    }

    static String sha256(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new JobFailure("the model file " + file + " does not exist");
        }
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
