package org.convnetplayground.sparkextract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Imports the job's {@code vectors.npy} and {@code ids.txt} into the search-service as a collection: one multipart
 * {@code POST /api/search/collections/import} (fields dataset, model, layer, pooling; files vectors and ids, streamed
 * from the output folder), then the import job polled until it ends.
 */
final class SearchImport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SearchImport(String url) {
        this.url = url.replaceAll("/+$", "");
    }

    /**
     * Uploads the files and waits (up to {@code deadline}) for the collection to be built.
     *
     * @return the finished import job as the search-service describes it
     * @throws JobFailure when the search-service refuses the import or its job fails, with its words
     */
    JsonNode run(Map<String, String> fields, FileSystem fs, Path vectors, Path ids, Duration deadline,
                 Consumer<String> progress) throws IOException, InterruptedException {
        String boundary = "cnp-spark-" + UUID.randomUUID();
        List<BodyPublisher> parts = new ArrayList<>();
        fields.forEach((name, value) -> parts.add(BodyPublishers.ofString("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n",
                StandardCharsets.UTF_8)));
        parts.add(filePart(boundary, "vectors", "vectors.npy", "application/octet-stream", fs, vectors));
        parts.add(filePart(boundary, "ids", "ids.txt", "text/plain; charset=utf-8", fs, ids));
        parts.add(BodyPublishers.ofString("--" + boundary + "--\r\n"));
        HttpRequest post = HttpRequest.newBuilder(URI.create(url + "/api/search/collections/import"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "application/json")
                .POST(BodyPublishers.concat(parts.toArray(BodyPublisher[]::new)))
                .build();
        HttpResponse<String> answer = http.send(post, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new JobFailure("the search-service at " + url + " refused the import (" + answer.statusCode()
                    + "): " + detail(answer.body()));
        }
        JsonNode job = JSON.readTree(answer.body());
        URI poll = URI.create(url + job.path("job").asText());
        Instant until = Instant.now().plus(deadline);
        String last = "";
        while (true) {
            String state = job.path("state").asText();
            if (state.equals("succeeded")) {
                return job;
            }
            if (state.equals("failed") || state.equals("cancelled")) {
                throw new JobFailure("the search-service's import job " + job.path("id").asText() + " " + state + ": "
                        + job.path("error").path("detail").asText(job.path("message").asText("")));
            }
            String now = state + " " + Math.round(job.path("progress").asDouble() * 100) + "%";
            if (!now.equals(last)) {
                progress.accept("search-service import: " + now);
                last = now;
            }
            if (Instant.now().isAfter(until)) {
                throw new JobFailure("the search-service's import job " + job.path("id").asText()
                        + " did not end within " + deadline + "; it is still " + state + " at " + poll);
            }
            Thread.sleep(POLL.toMillis());
            HttpResponse<String> polled = http.send(HttpRequest.newBuilder(poll).header("Accept", "application/json")
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (polled.statusCode() != 200) {
                throw new JobFailure("polling the import job " + poll + " answered " + polled.statusCode() + ": "
                        + detail(polled.body()));
            }
            job = JSON.readTree(polled.body());
        }
    }

    /** The form fields of an import. */
    static Map<String, String> fields(String dataset, String model, String layer, String pooling) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("dataset", dataset);
        f.put("model", model);
        f.put("layer", layer);
        f.put("pooling", pooling);
        return f;
    }

    private static BodyPublisher filePart(String boundary, String field, String fileName, String type, FileSystem fs,
                                          Path file) {
        BodyPublisher head = BodyPublishers.ofString("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: " + type + "\r\n\r\n");
        BodyPublisher body = BodyPublishers.ofInputStream(() -> open(fs, file));
        return BodyPublishers.concat(head, body, BodyPublishers.ofString("\r\n"));
    }

    private static InputStream open(FileSystem fs, Path file) {
        try {
            return fs.open(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The problem's detail when the answer is a problem document, else the answer itself. */
    private static String detail(String body) {
        try {
            JsonNode problem = JSON.readTree(body);
            if (problem.hasNonNull("detail")) {
                return problem.get("detail").asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // not JSON: the body as it is
        }
        return body.length() > 500 ? body.substring(0, 500) + "…" : body;
    }
}
