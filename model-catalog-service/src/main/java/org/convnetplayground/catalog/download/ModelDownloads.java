package org.convnetplayground.catalog.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.convnetplayground.catalog.config.CatalogConfig;
import org.convnetplayground.catalog.store.CatalogModel;
import org.convnetplayground.catalog.store.ModelStore;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.jobs.JobRegistry;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.jboss.logging.Logger;

/**
 * Fetches ONNX models from http(s) URLs into the model store, as jobs with byte progress. The file is streamed to a
 * partial file in the downloads folder while its SHA-256 is computed; only a file with the expected checksum is
 * handed to the {@link ModelStore}, which checks and adds it atomically. A download that breaks off keeps its partial
 * file, and the next download of the same file resumes it with an HTTP Range request (with If-Range, so a changed file
 * starts over); a server that ignores Range sends the whole file again. A wrong checksum discards the partial file;
 * a resumed file that does not match is fetched once more from the start before the job fails.
 */
@ApplicationScoped
public class ModelDownloads {

    public static final String KIND = "model-download";
    private static final Logger LOG = Logger.getLogger(ModelDownloads.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes\\s+\\*/(\\d+)");

    private final CatalogConfig config;
    private final ModelStore store;
    private final ObjectMapper json;
    private final JobRegistry jobs;
    private final HttpClient http;
    private final ScheduledExecutorService watchdog;
    /** Files being fetched (by sha256) and the model each is for: one download per file at a time. */
    private final Map<String, String> activeFiles = new ConcurrentHashMap<>();

    @Inject
    public ModelDownloads(CatalogConfig config, ModelStore store, ObjectMapper json) {
        this.config = config;
        this.store = store;
        this.json = json;
        this.jobs = new JobRegistry(Executors.newFixedThreadPool(Math.max(1, config.downloadThreads()), r -> {
            Thread t = new Thread(r, "catalog-download");
            t.setDaemon(true);
            return t;
        }), config.jobRetention());
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.downloadConnectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "catalog-download-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        jobs.close();
        watchdog.shutdownNow();
    }

    /** The download jobs, running and recently finished. */
    public JobRegistry jobs() {
        return jobs;
    }

    /** The folder holding partial downloads. */
    public Path downloadsDir() {
        return config.downloadsDir().toAbsolutePath().normalize();
    }

    /**
     * Checks the request and starts downloading a model into the store. A download of the same id already running
     * is returned instead of starting another.
     *
     * @param id       the new model's id, or null to take metadata.name
     * @param url      an http or https URL of the ONNX file
     * @param sha256   the file's expected SHA-256 (64 hex digits)
     * @param metadata the model.json form, as for an upload
     * @throws ProblemException 400 for a bad field, 409 for a taken id or a file being fetched for another model
     */
    public synchronized Job<CatalogModel> start(String id, String url, String sha256, JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            throw ProblemException.missing("metadata", "the model.json form of the model: its input size, layout, "
                    + "channel order and preprocessing (mean and std), as for an upload");
        }
        if (!metadata.isObject()) {
            throw ProblemException.invalid("metadata", metadata.toString(), "a JSON object in the model.json form");
        }
        ObjectNode meta = ((ObjectNode) metadata).deepCopy();
        JsonNode name = meta.get("name");
        if (id == null || id.isEmpty()) {
            if (name == null || !name.isTextual()) {
                throw ProblemException.missing("id", "the new model's id (or metadata.name)");
            }
            id = name.asText();
        }
        ModelStore.checkId("id", id);
        if (name != null && !name.isNull() && !id.equals(name.asText())) {
            throw ProblemException.invalid("metadata.name", name.asText(), "'" + id + "' (the id), or no name");
        }
        meta.put("name", id);
        URI uri = checkUrl(url);
        if (sha256 == null || sha256.isEmpty()) {
            throw ProblemException.missing("sha256", "the file's SHA-256 as 64 hexadecimal digits");
        }
        if (!SHA256.matcher(sha256).matches()) {
            throw ProblemException.invalid("sha256", sha256, "64 hexadecimal digits");
        }
        String sha = sha256.toLowerCase(Locale.ROOT);
        Optional<Job<?>> running = jobs.active(KIND, id);
        if (running.isPresent()) {
            @SuppressWarnings("unchecked")
            Job<CatalogModel> same = (Job<CatalogModel>) running.get();
            return same;
        }
        store.checkNew(meta);
        String other = activeFiles.get(sha);
        if (other != null) {
            throw ProblemException.conflict("the file with sha256 " + sha + " is being downloaded for model '" + other
                    + "' now; wait for that job (list them at /api/catalog/jobs)");
        }
        ObjectNode source = meta.get("source") instanceof ObjectNode o ? o : meta.putObject("source");
        if (!source.hasNonNull("url")) {
            source.put("url", uri.toString());
        }
        String modelId = id;
        activeFiles.put(sha, modelId);
        try {
            return jobs.submit(KIND, modelId, ctx -> {
                try {
                    return run(ctx, modelId, uri, sha, meta);
                } finally {
                    activeFiles.remove(sha, modelId);
                }
            });
        } catch (RuntimeException e) {
            activeFiles.remove(sha, modelId);
            throw ProblemException.unavailable("the download pool is shut down");
        }
    }

    static URI checkUrl(String url) {
        if (url == null || url.isBlank()) {
            throw ProblemException.missing("url", "the http:// or https:// URL of the ONNX file");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            throw ProblemException.invalid("url", url, "an http:// or https:// URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ProblemException.invalid("url", url, "an http:// or https:// URL; the catalog downloads over HTTP "
                    + "only" + (scheme.isEmpty() ? "" : " (not " + scheme + ")"));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ProblemException.invalid("url", url, "an http:// or https:// URL with a host name");
        }
        return uri;
    }

    private CatalogModel run(JobContext ctx, String id, URI uri, String sha, ObjectNode metadata) throws IOException {
        Path part;
        try {
            part = fetch(ctx, uri, sha);
        } catch (ProblemException e) {
            LOG.infof("download of model '%s' failed: %s", id, e.getMessage());
            throw e;
        }
        ctx.message("checking the model and analysing its graph");
        try {
            CatalogModel model = store.add(part, metadata, null, CatalogModel.DOWNLOAD, Map.of("url", uri.toString()));
            ctx.message("downloaded " + model.sizeBytes() + " bytes from " + uri.getHost() + " and added model '" + id
                    + "'");
            return model;
        } finally {
            // added (moved into the store) or refused: either way the verified file is done with
            Files.deleteIfExists(part);
            Files.deleteIfExists(sidecar(sha));
        }
    }

    /** The verified file, or a failure; a broken download keeps its partial file for the next attempt. */
    private Path fetch(JobContext ctx, URI uri, String sha) throws IOException {
        Files.createDirectories(downloadsDir());
        Path part = downloadsDir().resolve(sha + ".part");
        long max = store.maxImportBytes();
        for (int attempt = 0; ; attempt++) {
            ctx.throwIfCancelled();
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            if (have > max) {
                discard(sha);
                have = 0;
            }
            Validators saved = readSidecar(sha);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET()
                    .timeout(config.downloadReadTimeout())
                    .header("User-Agent", "convnet-playground-model-catalog")
                    .header("Accept", "application/octet-stream, */*");
            if (have > 0) {
                request.header("Range", "bytes=" + have + "-");
                if (saved != null && saved.url().equals(uri.toString()) && saved.validator() != null) {
                    request.header("If-Range", saved.validator());
                }
                ctx.message("resuming the download from " + uri.getHost() + " at byte " + have);
            } else {
                ctx.message("downloading from " + uri.getHost());
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                throw failed(uri, "no answer within " + seconds(config.downloadReadTimeout()), have);
            } catch (IOException e) {
                throw failed(uri, "cannot connect (" + describe(e) + ")", have);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JobContext.JobCancelledException();
            }
            try (InputStream body = response.body()) {
                int status = response.statusCode();
                HttpHeaders headers = response.headers();
                long length = headers.firstValueAsLong("Content-Length").orElse(-1);
                long offset;
                long total;
                if (status == 206 && have > 0) {
                    Matcher range = CONTENT_RANGE.matcher(headers.firstValue("Content-Range").orElse(""));
                    if (!range.matches() || Long.parseLong(range.group(1)) != have) {
                        discard(sha);
                        if (attempt == 0) {
                            continue;
                        }
                        throw failed(uri, "the server answered the resumed download with an unusable range "
                                + headers.firstValue("Content-Range").orElse("(none)"), 0);
                    }
                    offset = have;
                    total = !range.group(3).equals("*") ? Long.parseLong(range.group(3))
                            : length >= 0 ? have + length : -1;
                } else if (status == 200) {
                    offset = 0;
                    total = length;
                } else if (status == 416 && have > 0) {
                    // the partial file may already be the whole file
                    Matcher whole = UNSATISFIED_RANGE.matcher(headers.firstValue("Content-Range").orElse(""));
                    if (whole.matches() && Long.parseLong(whole.group(1)) == have && sha.equals(sha256Of(part))) {
                        return part;
                    }
                    discard(sha);
                    if (attempt == 0) {
                        continue;
                    }
                    throw failed(uri, "the server refused the range request (HTTP 416)", 0);
                } else {
                    throw ProblemException.of(502, "Download failed", uri + " answered HTTP " + status
                            + "; expected 200 with the ONNX file");
                }
                if (total > max) {
                    discard(sha);
                    throw tooLarge(uri, total, max);
                }
                writeSidecar(sha, uri, headers);
                MessageDigest digest = ModelStore.sha256();
                if (offset > 0) {
                    hash(part, digest);
                }
                stream(ctx, uri, body, part, offset, total, max, sha, digest);
                String got = HexFormat.of().formatHex(digest.digest());
                if (!got.equals(sha)) {
                    discard(sha);
                    if (offset > 0 && attempt == 0) {
                        // the kept part may be what does not match (the file changed on a server without validators)
                        LOG.infof("resumed download of %s does not match its checksum; starting over", uri);
                        continue;
                    }
                    throw new ProblemException(new Problem("about:blank", "Checksum mismatch", 422, "checksum mismatch: "
                            + "the file downloaded from " + uri + " has sha256 " + got + "; expected " + sha + ". The "
                            + "file was discarded and nothing was stored", null, "sha256", sha, null, null));
                }
                return part;
            }
        }
    }

    private void stream(JobContext ctx, URI uri, InputStream body, Path part, long offset, long total, long max,
                        String sha, MessageDigest digest) throws IOException {
        long timeout = config.downloadReadTimeout().toNanos();
        AtomicLong lastData = new AtomicLong(System.nanoTime());
        AtomicReference<String> abort = new AtomicReference<>();
        long tick = Math.max(50, Math.min(1000, config.downloadReadTimeout().toMillis() / 4));
        ScheduledFuture<?> dog = watchdog.scheduleAtFixedRate(() -> {
            String why = ctx.isCancelled() ? "cancelled" : System.nanoTime() - lastData.get() > timeout ? "stalled" : null;
            if (why != null && abort.compareAndSet(null, why)) {
                try {
                    body.close();
                } catch (IOException | RuntimeException ignored) {
                    // the reader sees the end of the stream either way
                }
            }
        }, tick, tick, TimeUnit.MILLISECONDS);
        long done = offset;
        IOException broken = null;
        ctx.progress(done, Math.max(total, 0));
        try (OutputStream out = offset > 0
                ? Files.newOutputStream(part, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                : Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                if (n == 0) {
                    continue;
                }
                lastData.set(System.nanoTime());
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                done += n;
                if (done > max) {
                    abort.compareAndSet(null, "too large");
                    break;
                }
                ctx.progress(done, Math.max(total, 0));
                if (ctx.isCancelled()) {
                    abort.compareAndSet(null, "cancelled");
                    break;
                }
            }
        } catch (IOException e) {
            broken = e;
        } finally {
            dog.cancel(false);
        }
        String why = abort.get();
        if ("cancelled".equals(why)) {
            throw new JobContext.JobCancelledException();
        }
        if ("too large".equals(why)) {
            discard(sha);
            throw tooLarge(uri, done, max);
        }
        if ("stalled".equals(why)) {
            throw failed(uri, "no data for " + seconds(config.downloadReadTimeout()) + " after " + done
                    + (total >= 0 ? " of " + total : "") + " bytes", done);
        }
        if (broken != null || (total >= 0 && done != total)) {
            throw failed(uri, "the connection broke off after " + done + (total >= 0 ? " of " + total : "")
                    + " bytes" + (broken == null ? "" : " (" + describe(broken) + ")"), done);
        }
    }

    /** A failed download; a partial file of {@code kept} bytes stays for the next attempt to resume. */
    private static ProblemException failed(URI uri, String why, long kept) {
        String next = kept > 0 ? "; the " + kept + " bytes received are kept: start the download again to resume it"
                : "; start the download again to retry";
        return new ProblemException(new Problem("about:blank", "Download failed", 502, "the download of " + uri
                + " failed: " + why + next, null, "url", uri.toString(), null, null));
    }

    private static ProblemException tooLarge(URI uri, long size, long max) {
        return new ProblemException(new Problem("about:blank", "Payload too large", 413, "the file at " + uri + " is "
                + (size > max ? "larger than " + max : size) + " bytes; the import limit is " + max
                + " bytes (cnp.catalog.max-import-bytes). Nothing was stored", null, "url", uri.toString(), null, null));
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName().replaceAll("(?<=[a-z])(?=[A-Z])", " ")
                .toLowerCase(Locale.ROOT) : m;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private void discard(String sha) throws IOException {
        Files.deleteIfExists(downloadsDir().resolve(sha + ".part"));
        Files.deleteIfExists(sidecar(sha));
    }

    private Path sidecar(String sha) {
        return downloadsDir().resolve(sha + ".json");
    }

    /** What identifies the remote file a partial download came from, for If-Range. */
    record Validators(String url, String validator) {
    }

    private Validators readSidecar(String sha) {
        Path f = sidecar(sha);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode n = json.readTree(f.toFile());
            return new Validators(n.path("url").asText(""), n.hasNonNull("validator") ? n.get("validator").asText() : null);
        } catch (IOException e) {
            return null;
        }
    }

    private void writeSidecar(String sha, URI uri, HttpHeaders headers) throws IOException {
        // If-Range needs a strong validator: a strong ETag, else Last-Modified
        String validator = headers.firstValue("ETag").filter(e -> !e.startsWith("W/"))
                .or(() -> headers.firstValue("Last-Modified")).orElse(null);
        ObjectNode n = json.createObjectNode().put("url", uri.toString());
        if (validator != null) {
            n.put("validator", validator);
        }
        json.writeValue(sidecar(sha).toFile(), n);
    }

    private static void hash(Path file, MessageDigest digest) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
    }

    private static String sha256Of(Path file) throws IOException {
        MessageDigest digest = ModelStore.sha256();
        hash(file, digest);
        return HexFormat.of().formatHex(digest.digest());
    }
}
