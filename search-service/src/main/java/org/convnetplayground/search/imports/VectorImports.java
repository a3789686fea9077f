package org.convnetplayground.search.imports;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.files.FileTrees;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.search.background.BackgroundJobs;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.CollectionStore;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.index.IndexService;
import org.jboss.logging.Logger;

/**
 * Collections made of vectors computed elsewhere: an {@code .npy} float32 matrix {@code [n, d]} and a file of
 * {@code n} ids with labels. The uploaded files are checked (header, shape, size, ids) before a job starts; the job
 * copies the rows into a staged collection in bounded chunks, checking that every value is finite, and commits it
 * (replacing a collection of the same name). A bad file fails with a problem naming what is wrong, and leaves
 * nothing behind: neither the upload nor a collection. The dataset and model named need not exist in the other
 * services.
 */
@ApplicationScoped
public class VectorImports {

    private static final Logger LOG = Logger.getLogger(VectorImports.class);
    public static final String KIND = "collection-import";
    /** Rows are copied and checked this many bytes at a time (the import's memory, whatever the file's size). */
    static final int CHUNK_BYTES = 8 << 20;
    static final List<String> POOLINGS = List.of("avg", "max", "flatten");

    private final CollectionStore store;
    private final BackgroundJobs jobs;
    private final IndexService indexes;
    private final Path uploads;

    @Inject
    public VectorImports(CollectionStore store, BackgroundJobs jobs, IndexService indexes, SearchConfig config) {
        this.store = store;
        this.jobs = jobs;
        this.indexes = indexes;
        this.uploads = config.dataDir().resolve("uploads").toAbsolutePath().normalize();
    }

    void onStart(@Observes StartupEvent event) throws IOException {
        // uploads of a previous run that never became a job
        FileTrees.deleteTree(uploads);
        Files.createDirectories(uploads);
    }

    /** A new empty folder for one upload's files. */
    public Path newUploadFolder() throws IOException {
        return Files.createDirectories(uploads.resolve(UUID.randomUUID().toString()));
    }

    /**
     * Checks an upload and starts importing it. {@code folder} (from {@link #newUploadFolder}) holds the files
     * {@code vectors} and {@code ids}; it is deleted when the import ends, or at once when the upload is refused.
     *
     * @throws InvalidInputException for missing fields or files, or files that cannot be imported
     */
    public Job<CollectionBuilder.BuildResult> start(String dataset, String model, String layer, String pooling,
                                                    Path folder) throws IOException {
        try {
            CollectionKey key = new CollectionKey(name("dataset", dataset), name("model", model), name("layer", layer),
                    pooling(pooling));
            Path vectors = folder.resolve("vectors");
            Path ids = folder.resolve("ids");
            if (!Files.isRegularFile(vectors)) {
                throw InvalidInputException.missing("vectors", NpyHeader.EXPECTED);
            }
            if (!Files.isRegularFile(ids)) {
                throw InvalidInputException.missing("ids", IdsFile.EXPECTED);
            }
            NpyHeader header;
            try (FileChannel in = FileChannel.open(vectors, StandardOpenOption.READ)) {
                header = NpyHeader.read(in);
            }
            List<CollectionMeta.Item> items = IdsFile.read(ids, header.rows());
            Files.delete(ids);
            return jobs.submit(KIND, key + "|" + folder.getFileName(), ctx -> {
                try {
                    return run(key, header, items, vectors, ctx);
                } finally {
                    FileTrees.deleteTree(folder);
                }
            });
        } catch (IOException | RuntimeException e) {
            FileTrees.deleteTree(folder);
            throw e;
        }
    }

    private CollectionBuilder.BuildResult run(CollectionKey key, NpyHeader header, List<CollectionMeta.Item> items,
                                              Path vectors, JobContext ctx) throws IOException {
        long start = System.nanoTime();
        int dim = header.dimension();
        long total = header.rows() * dim * Float.BYTES;
        ctx.message("copying and checking " + header.rows() + " vectors of " + dim + " values");
        try (CollectionStore.Staging staging = store.stage(key)) {
            try (FileChannel in = FileChannel.open(vectors, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(staging.vectorsFile(), StandardOpenOption.CREATE_NEW,
                         StandardOpenOption.WRITE)) {
                // whole rows per chunk, so a bad value is named by row and column
                int rowBytes = dim * Float.BYTES;
                int chunk = Math.max(rowBytes, CHUNK_BYTES / rowBytes * rowBytes);
                ByteBuffer buffer = ByteBuffer.allocateDirect(chunk).order(ByteOrder.LITTLE_ENDIAN);
                long done = 0;
                while (done < total) {
                    ctx.throwIfCancelled();
                    buffer.clear().limit((int) Math.min(chunk, total - done));
                    while (buffer.hasRemaining()) {
                        if (in.read(buffer, header.dataOffset() + done + buffer.position()) < 0) {
                            throw NpyHeader.invalid("it ended early (after " + (done + buffer.position())
                                    + " bytes of data)");
                        }
                    }
                    buffer.flip();
                    requireFinite(buffer.asFloatBuffer(), done / Float.BYTES, dim);
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    done += buffer.limit();
                    ctx.progress(done, total);
                }
            }
            ctx.message("storing the collection");
            VectorCollection c = staging.commit(new CollectionMeta(key, dim,
                    CollectionMeta.IMPORTED_PREFIX + Instant.now(), null, Instant.now(), items));
            double seconds = (System.nanoTime() - start) / 1e9;
            ctx.message(String.format(Locale.ROOT, "imported %d vectors of %d values in %.1f s", c.meta().size(), dim,
                    seconds));
            LOG.infof("imported %s: %d x %d in %.1f s", key, c.meta().size(), dim, seconds);
            // a large collection starts building its approximate index now, not at its first query
            indexes.index(c);
            return new CollectionBuilder.BuildResult(List.of(key), c.meta().size(), List.of(),
                    c.meta().size() / Math.max(1e-9, seconds), null);
        }
    }

    private static void requireFinite(FloatBuffer values, long firstValue, int dim) {
        for (int i = 0, n = values.remaining(); i < n; i++) {
            float v = values.get(i);
            if (!Float.isFinite(v)) {
                long at = firstValue + i;
                throw InvalidInputException.invalid("vectors", "value at row " + at / dim + ", column " + at % dim
                        + " is " + v, "finite float32 values only");
            }
        }
    }

    private static String name(String field, String value) {
        if (value == null || value.isBlank()) {
            throw InvalidInputException.missing(field, "a name for the imported collection's " + field);
        }
        String v = value.trim();
        if (v.length() > 200 || v.chars().anyMatch(Character::isISOControl)) {
            throw InvalidInputException.invalid(field, v.length() > 200 ? v.substring(0, 200) + "…" : v,
                    "at most 200 characters, no control characters");
        }
        return v;
    }

    private static String pooling(String value) {
        String p = value == null || value.isBlank() ? "avg" : value.trim().toLowerCase(Locale.ROOT);
        if (!POOLINGS.contains(p)) {
            throw InvalidInputException.invalid("pooling", value, "one of " + POOLINGS);
        }
        return p;
    }
}
