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
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import org.apache.hc.core5.http.HttpStatus;
import org.convnetplayground.catalog.store.ModelStoreWriter;
import org.convnetplayground.catalog.store.Sha256;
import org.convnetplayground.errors.ConflictException;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.TooLargeException;
import org.convnetplayground.errors.UnavailableException;
import org.convnetplayground.errors.VerificationFailedException;
import org.jboss.logging.Logger;

/**
 * Fetches ONNX models from http(s) URLs into the model store, as jobs with byte progress. The file is streamed to a
 * partial file in the downloads folder while its SHA-256 is computed; only a file with the expected checksum is
 * handed to the {@link ModelStoreWriter}, which checks and adds it atomically. A download that breaks off keeps its partial
 * file, and the next download of the same file resumes it with an HTTP Range request (with If-Range, so a changed file
 * starts over); a server that ignores Range sends the whole file again. A wrong checksum discards the partial file;
 * a resumed file that does not match is fetched once more from the start before the job fails.
 *
 * <p>A download reaches only the addresses {@link AddressPolicy} allows: the URL is checked when the download is asked
 * for, and again, with every redirect, right before each connection ({@link RemoteFileClient}). A failed fetch says
 * "cannot fetch" and the URL, and nothing about what came back (no size, checksum or body): an unreachable host, a
 * closed port and a silent one read alike.
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
    private final ModelStoreWriter writer;
    private final ObjectMapper json;
    private final JobRegistry jobs;
    private final AddressPolicy addresses;
    private final ScheduledExecutorService watchdog;
    /** Files being fetched (by sha256) and the model each is for: one download per file at a time. */
    private final Map<String, String> activeFiles = new ConcurrentHashMap<>();

    @Inject
    public ModelDownloads(CatalogConfig config, ModelStore store, ModelStoreWriter writer, AddressPolicy addresses,
                          ObjectMapper json) {
        this.config = config;
        this.store = store;
        this.writer = writer;
        this.addresses = addresses;
        this.json = json;
        this.jobs = new JobRegistry(Executors.newFixedThreadPool(Math.max(1, config.downloadThreads()), r -> {
            Thread t = new Thread(r, "catalog-download");
            t.setDaemon(true);
            return t;
        }), config.jobRetention());
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
     * @throws InvalidInputException      for a bad field
     * @throws AddressNotAllowedException for a URL whose host is, or resolves to, an address not allowed
     * @throws ConflictException          for a taken id or a file being fetched for another model
     */
    public Job<CatalogModel> start(String id, String url, String sha256, JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            throw InvalidInputException.missing("metadata", "the model.json form of the model: its input size, layout, "
                    + "channel order and preprocessing (mean and std), as for an upload");
        }
        if (!metadata.isObject()) {
            throw InvalidInputException.invalid("metadata", metadata.toString(), "a JSON object in the model.json form");
        }
        ObjectNode meta = ((ObjectNode) metadata).deepCopy();
        JsonNode name = meta.get("name");
        if (id == null || id.isEmpty()) {
            if (name == null || !name.isTextual()) {
                throw InvalidInputException.missing("id", "the new model's id (or metadata.name)");
            }
            id = name.asText();
        }
        ModelStoreWriter.checkId("id", id);
        if (name != null && !name.isNull() && !id.equals(name.asText())) {
            throw InvalidInputException.invalid("metadata.name", name.asText(), "'" + id + "' (the id), or no name");
        }
        meta.put("name", id);
        URI uri = checkUrl(url);
        if (sha256 == null || sha256.isEmpty()) {
            throw InvalidInputException.missing("sha256", "the file's SHA-256 as 64 hexadecimal digits");
        }
        if (!SHA256.matcher(sha256).matches()) {
            throw InvalidInputException.invalid("sha256", sha256, "64 hexadecimal digits");
        }
        String sha = sha256.toLowerCase(Locale.ROOT);
        refuseForbiddenAddress(uri);
        return submit(id, uri, sha, meta);
    }

    /**
     * Refuses at once a URL whose host is, or resolves to, an address not allowed. A host that does not resolve now is
     * left to the job, which fails with "cannot fetch" as for any host it cannot reach.
     */
    private void refuseForbiddenAddress(URI uri) {
        try {
            addresses.addressesOf(uri);
        } catch (UnknownHostException e) {
            LOG.debugf("the host of %s does not resolve now: %s", uri, e.getMessage());
        }
    }

    private synchronized Job<CatalogModel> submit(String id, URI uri, String sha, ObjectNode meta) {
        Optional<Job<?>> running = jobs.active(KIND, id);
        if (running.isPresent()) {
            @SuppressWarnings("unchecked")
            Job<CatalogModel> same = (Job<CatalogModel>) running.get();
            return same;
        }
        store.checkNew(meta);
        String other = activeFiles.get(sha);
        if (other != null) {
            throw ConflictException.of("the file with sha256 " + sha + " is being downloaded for model '" + other
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
            throw UnavailableException.of("the download pool is shut down");
        }
    }

    static URI checkUrl(String url) {
        if (url == null || url.isBlank()) {
            throw InvalidInputException.missing("url", "the http:// or https:// URL of the ONNX file");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            throw InvalidInputException.invalid("url", url, "an http:// or https:// URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw InvalidInputException.invalid("url", url, "an http:// or https:// URL; the catalog downloads over HTTP "
                    + "only" + (scheme.isEmpty() ? "" : " (not " + scheme + ")"));
        }
        if (AddressPolicy.hostOf(uri).isEmpty()) {
            throw InvalidInputException.invalid("url", url, "an http:// or https:// URL with a host name");
        }
        return uri;
    }

    private CatalogModel run(JobContext ctx, String id, URI uri, String sha, ObjectNode metadata) throws IOException {
        Path part;
        try (RemoteFileClient client = new RemoteFileClient(addresses, config.downloadConnectTimeout(),
                config.downloadReadTimeout(), config.download().maxRedirects())) {
            part = fetch(ctx, client, uri, sha);
        } catch (DomainException e) {
            LOG.infof("download of model '%s' failed: %s", id, e.getMessage());
            throw e;
        }
        ctx.message("checking the model and analysing its graph");
        try {
            CatalogModel model = writer.add(part, metadata, null, CatalogModel.DOWNLOAD, Map.of("url", uri.toString()));
            ctx.message("downloaded " + model.sizeBytes() + " bytes from " + uri.getHost() + " and added model '" + id
                    + "'");
            return model;
        } finally {
            // added (moved into the store) or refused: either way the verified file is done with
            Files.deleteIfExists(part);
            Files.deleteIfExists(sidecar(sha));
        }
    }

    /**
     * The verified file, or a failure; a broken download keeps its partial file for the next attempt. A kept part
     * that the server cannot continue, or that turns out not to match, is fetched once more from the start.
     */
    private Path fetch(JobContext ctx, RemoteFileClient client, URI uri, String sha) throws IOException {
        Files.createDirectories(downloadsDir());
        Path part = partFile(sha);
        for (int attempt = 0; ; attempt++) {
            ctx.throwIfCancelled();
            boolean lastTry = attempt > 0;
            long have = keptBytes(sha);
            try (RemoteFileClient.Answer answer = send(ctx, client, uri, sha, have)) {
                Continuation from = continuation(answer, uri, sha, have, lastTry);
                if (from == Continuation.COMPLETE) {
                    return part;
                }
                if (from != Continuation.START_OVER && receive(ctx, uri, answer, sha, from, lastTry)) {
                    return part;
                }
            }
        }
    }

    /** The bytes of a partial download kept from an earlier attempt (0 when none, or when it grew past the limit). */
    private long keptBytes(String sha) throws IOException {
        Path part = partFile(sha);
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (have > store.maxImportBytes()) {
            discard(sha);
            return 0;
        }
        return have;
    }

    /** Asks for the file, or for its rest after the {@code have} bytes kept (If-Range: only if it is unchanged). */
    private RemoteFileClient.Answer send(JobContext ctx, RemoteFileClient client, URI uri, String sha, long have) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/octet-stream, */*");
        if (have > 0) {
            headers.put("Range", "bytes=" + have + "-");
            Validators saved = readSidecar(sha);
            if (saved != null && saved.url().equals(uri.toString()) && saved.validator() != null) {
                headers.put("If-Range", saved.validator());
            }
            ctx.message("resuming the download from " + uri.getHost() + " at byte " + have);
        } else {
            ctx.message("downloading from " + uri.getHost());
        }
        try {
            return client.get(uri, headers);
        } catch (RemoteFileClient.UnusableUrlException e) {
            throw failed(uri, e.getMessage(), have);
        } catch (IOException e) {
            // unresolvable, refused, unreachable, silent: one answer, so that a download cannot map a network
            LOG.infof("cannot fetch %s: %s", uri, e.toString());
            throw failed(uri, null, have);
        }
    }

    /**
     * Where the server's answer lets the download go on: from the kept bytes (partial content, the range asked for),
     * from the start (the whole file), nowhere because the kept part is already the whole file (range not
     * satisfiable, naming its size), or from the start in a new request after the kept part was discarded (an
     * unusable partial answer or refused range, first try only).
     */
    private Continuation continuation(RemoteFileClient.Answer answer, URI uri, String sha, long have, boolean lastTry)
            throws IOException {
        int status = answer.status();
        String contentRange = answer.header("Content-Range").orElse("");
        long length = answer.contentLength();
        if (status == HttpStatus.SC_PARTIAL_CONTENT && have > 0) {
            Matcher range = CONTENT_RANGE.matcher(contentRange);
            if (range.matches() && Long.parseLong(range.group(1)) == have) {
                long total = !range.group(3).equals("*") ? Long.parseLong(range.group(3))
                        : length >= 0 ? have + length : -1;
                return new Continuation(have, total);
            }
            discard(sha);
            if (!lastTry) {
                return Continuation.START_OVER;
            }
            throw failed(uri, "the server answered the resumed download with an unusable range", 0);
        }
        if (status == HttpStatus.SC_OK) {
            return new Continuation(0, length);
        }
        if (status == HttpStatus.SC_REQUESTED_RANGE_NOT_SATISFIABLE && have > 0) {
            Matcher whole = UNSATISFIED_RANGE.matcher(contentRange);
            if (whole.matches() && Long.parseLong(whole.group(1)) == have && sha.equals(Sha256.of(partFile(sha)))) {
                return Continuation.COMPLETE;
            }
            discard(sha);
            if (!lastTry) {
                return Continuation.START_OVER;
            }
            throw failed(uri, "the server refused to resume it (range not satisfiable)", 0);
        }
        throw new DownloadFailedException(uri.toString(), "cannot fetch " + uri + ": the server answered HTTP " + status
                + " instead of the file");
    }

    /**
     * Streams the body after the kept bytes into the partial file and checks the whole file's checksum.
     *
     * @return true when the file is verified; false when a resumed file does not match and is to be fetched again
     */
    private boolean receive(JobContext ctx, URI uri, RemoteFileClient.Answer answer, String sha, Continuation from,
                            boolean lastTry)
            throws IOException {
        long max = store.maxImportBytes();
        if (from.total() > max) {
            discard(sha);
            throw tooLarge(uri, max);
        }
        writeSidecar(sha, uri, answer);
        MessageDigest digest = Sha256.digest();
        if (from.offset() > 0) {
            Sha256.update(digest, partFile(sha));
        }
        stream(ctx, uri, answer, partFile(sha), from.offset(), from.total(), max, sha, digest);
        String got = Sha256.hex(digest);
        if (got.equals(sha)) {
            return true;
        }
        discard(sha);
        if (from.offset() > 0 && !lastTry) {
            // the kept part may be what does not match (the file changed on a server without validators)
            LOG.infof("resumed download of %s does not match its checksum; starting over", uri);
            return false;
        }
        throw new VerificationFailedException("Checksum mismatch", "checksum mismatch: the file downloaded from " + uri
                + " does not have the sha256 " + sha + " it was expected to have. The file was discarded and nothing "
                + "was stored", DomainException.Details.of("sha256", sha), null);
    }

    /**
     * Where a download goes on: from {@code offset} bytes of a file of {@code total} bytes (-1 when unknown), or one
     * of the two markers.
     */
    private record Continuation(long offset, long total) {
        /** The kept part is the whole file already. */
        static final Continuation COMPLETE = new Continuation(-1, -1);
        /** The kept part was discarded: ask again from the start. */
        static final Continuation START_OVER = new Continuation(-2, -2);
    }

    private void stream(JobContext ctx, URI uri, RemoteFileClient.Answer answer, Path part, long offset, long total,
                        long max, String sha, MessageDigest digest) throws IOException {
        InputStream body = answer.body();
        long timeout = config.downloadReadTimeout().toNanos();
        AtomicLong lastData = new AtomicLong(System.nanoTime());
        AtomicReference<String> abort = new AtomicReference<>();
        long tick = Math.max(50, Math.min(1000, config.downloadReadTimeout().toMillis() / 4));
        ScheduledFuture<?> dog = watchdog.scheduleAtFixedRate(() -> {
            String why = ctx.isCancelled() ? "cancelled" : System.nanoTime() - lastData.get() > timeout ? "stalled" : null;
            if (why != null && abort.compareAndSet(null, why)) {
                // the reader's blocked read fails at once
                answer.abort();
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
        } catch (SocketTimeoutException e) {
            abort.compareAndSet(null, "stalled");
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
            throw tooLarge(uri, max);
        }
        if ("stalled".equals(why)) {
            throw failed(uri, "no data for " + seconds(config.downloadReadTimeout()), done);
        }
        if (broken != null || (total >= 0 && done != total)) {
            if (broken != null) {
                LOG.infof("the download of %s broke off: %s", uri, broken.toString());
            }
            throw failed(uri, "the connection broke off", done);
        }
    }

    /**
     * A failed download, told without anything the server sent; a partial file ({@code kept} > 0 bytes) stays for the
     * next attempt to resume.
     *
     * @param why what went wrong when it says nothing of the remote content, or null
     */
    private static DownloadFailedException failed(URI uri, String why, long kept) {
        String next = kept > 0 ? "; the bytes received are kept: start the download again to resume it"
                : "; start the download again to retry";
        return new DownloadFailedException(uri.toString(), "cannot fetch " + uri + (why == null ? "" : ": " + why)
                + next);
    }

    private static TooLargeException tooLarge(URI uri, long max) {
        return new TooLargeException("Payload too large", "the file at " + uri + " is larger than the import limit: "
                + "the import limit is " + max + " bytes (cnp.catalog.max-import-bytes). Nothing was stored",
                DomainException.Details.of("url", uri.toString()), null);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private void discard(String sha) throws IOException {
        Files.deleteIfExists(partFile(sha));
        Files.deleteIfExists(sidecar(sha));
    }

    private Path partFile(String sha) {
        return downloadsDir().resolve(sha + ".part");
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

    private void writeSidecar(String sha, URI uri, RemoteFileClient.Answer answer) throws IOException {
        // If-Range needs a strong validator: a strong ETag, else Last-Modified
        String validator = answer.header("ETag").filter(e -> !e.startsWith("W/"))
                .or(() -> answer.header("Last-Modified")).orElse(null);
        ObjectNode n = json.createObjectNode().put("url", uri.toString());
        if (validator != null) {
            n.put("validator", validator);
        }
        json.writeValue(sidecar(sha).toFile(), n);
    }
}
