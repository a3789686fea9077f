package org.convnetplayground.search.collection;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.convnetplayground.files.FileTrees;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.files.Durable;
import org.convnetplayground.vectors.MappedVectors;
import org.jboss.logging.Logger;

/**
 * Collections on disk under the data directory, one folder each ({@code meta.json} + {@code vectors.f32}, float32
 * little-endian rows), memory-mapped on first use (never copied into the heap; any size the disk holds), at most a
 * byte budget of them kept open. A collection is written into a staging folder, forced to disk and swapped into
 * place by {@link Durable#replaceDirectory}, so a crash or a failed build never leaves a half-written collection, a
 * rebuild replaces the old one only once the new one is complete, and start-up recovers whichever version a crash
 * left whole.
 */
@ApplicationScoped
public class CollectionStore {

    private static final Logger LOG = Logger.getLogger(CollectionStore.class);
    private static final String STAGING_PREFIX = ".staging-";

    private final Path root;
    private final long budget;
    private final ObjectMapper json;
    private final Map<CollectionKey, CollectionMeta> index = new ConcurrentHashMap<>();
    private final LinkedHashMap<CollectionKey, VectorCollection> loaded = new LinkedHashMap<>(16, 0.75f, true);
    private long loadedBytes;
    private final CollectionMetrics metrics;
    private final List<java.util.function.Consumer<CollectionKey>> replaced = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Inject
    public CollectionStore(SearchConfig config, ObjectMapper json, MeterRegistry registry) {
        this(config.dataDir(), config.cacheMaxBytes(), json, registry);
    }

    /**
     * @param dataDir the service's data directory (collections go in its {@code collections} folder)
     * @param budget  most bytes of vectors kept in memory
     */
    public CollectionStore(Path dataDir, long budget, ObjectMapper json, MeterRegistry registry) {
        this.root = dataDir.resolve("collections").toAbsolutePath().normalize();
        this.budget = budget;
        this.json = json;
        this.metrics = new CollectionMetrics(registry);
    }

    void onStart(@Observes StartupEvent event) throws IOException {
        Files.createDirectories(root);
        Durable.recover(root);
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                if (dir.getFileName().toString().startsWith(STAGING_PREFIX)) {
                    FileTrees.deleteTree(dir);
                    continue;
                }
                if (dir.getFileName().toString().startsWith(".")) {
                    continue;
                }
                Path meta = dir.resolve("meta.json");
                if (Files.isRegularFile(meta)) {
                    try {
                        CollectionMeta m = json.readValue(meta.toFile(), CollectionMeta.class);
                        index.put(m.key(), m);
                    } catch (IOException e) {
                        LOG.warnf("ignoring unreadable collection %s: %s", dir, e.getMessage());
                    }
                }
            }
        }
        LOG.infof("collection store %s: %d collections", root, index.size());
        metrics.update(list());
    }

    public Path root() {
        return root;
    }

    /** Tells {@code listener} the key of every collection deleted or replaced by a new version (to release its files). */
    public void onReplaced(java.util.function.Consumer<CollectionKey> listener) {
        replaced.add(listener);
    }

    /** The folder of a stored collection (its indexes live inside it, next to its vectors). */
    public Path folder(CollectionKey key) {
        return dir(key);
    }

    /** Every stored collection, sorted by dataset, model, layer, pooling. */
    public List<CollectionMeta> list() {
        List<CollectionMeta> all = new ArrayList<>(index.values());
        all.sort(Comparator.comparing((CollectionMeta m) -> m.key().toString()));
        return all;
    }

    public Optional<CollectionMeta> meta(CollectionKey key) {
        return Optional.ofNullable(index.get(key));
    }

    /** The collection with its vectors in memory, loading it from disk if needed. */
    public Optional<VectorCollection> find(CollectionKey key) {
        synchronized (loaded) {
            VectorCollection hit = loaded.get(key);
            if (hit != null) {
                return Optional.of(hit);
            }
        }
        CollectionMeta meta = index.get(key);
        if (meta == null) {
            return Optional.empty();
        }
        VectorCollection collection = new VectorCollection(meta, readVectors(dir(key), meta));
        remember(collection);
        return Optional.of(collection);
    }

    /** Starts writing a new version of a collection; nothing is visible until {@link Staging#commit}. */
    public Staging stage(CollectionKey key) {
        try {
            Path dir = Files.createDirectories(root.resolve(STAGING_PREFIX + UUID.randomUUID()));
            return new Staging(key, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a staging folder in " + root, e);
        }
    }

    public boolean delete(CollectionKey key) {
        CollectionMeta removed = index.remove(key);
        synchronized (loaded) {
            VectorCollection c = loaded.remove(key);
            if (c != null) {
                loadedBytes -= c.bytes();
            }
        }
        FileTrees.deleteTree(dir(key));
        metrics.update(list());
        replaced.forEach(l -> l.accept(key));
        return removed != null;
    }

    /** A collection being written. */
    public final class Staging implements AutoCloseable {
        private final CollectionKey key;
        private final Path dir;
        private boolean committed;

        private Staging(CollectionKey key, Path dir) {
            this.key = key;
            this.dir = dir;
        }

        /** The staging folder. */
        public Path path() {
            return dir;
        }

        /** The vectors file being written: float32 little-endian rows. */
        public Path vectorsFile() {
            return dir.resolve("vectors.f32");
        }

        /** Copies float32 little-endian rows from {@code in}; returns the number of bytes written. */
        public long writeVectors(InputStream in) throws IOException {
            try (OutputStream out = Files.newOutputStream(dir.resolve("vectors.f32"))) {
                return in.transferTo(out);
            }
        }

        /**
         * Checks the vectors against the metadata (size, finite values), then makes the collection visible,
         * replacing any previous version.
         *
         * @throws IllegalArgumentException when the vectors do not match the metadata or are not finite
         */
        public VectorCollection commit(CollectionMeta meta) throws IOException {
            if (!meta.key().equals(key)) {
                throw new IllegalArgumentException("staged " + key + " but committing " + meta.key());
            }
            requireFinite(readVectors(dir, meta), meta);
            json.writeValue(dir.resolve("meta.json").toFile(), meta);
            Path target = dir(key);
            synchronized (CollectionStore.this) {
                Durable.replaceDirectory(dir, target);
                index.put(key, meta);
                synchronized (loaded) {
                    VectorCollection previous = loaded.remove(key);
                    if (previous != null) {
                        loadedBytes -= previous.bytes();
                    }
                }
            }
            committed = true;
            VectorCollection collection = new VectorCollection(meta, readVectors(target, meta));
            metrics.update(list());
            replaced.forEach(l -> l.accept(key));
            remember(collection);
            return collection;
        }

        /** Discards the staging folder unless it was committed. */
        @Override
        public void close() {
            if (!committed) {
                FileTrees.deleteTree(dir);
            }
        }
    }

    private Path dir(CollectionKey key) {
        return root.resolve(key.folderName());
    }

    private static MappedVectors readVectors(Path dir, CollectionMeta meta) {
        Path file = dir.resolve("vectors.f32");
        long expected = (long) meta.size() * meta.dimension() * Float.BYTES;
        try {
            long size = Files.size(file);
            if (size != expected) {
                throw new IllegalArgumentException("collection " + meta.key() + ": vectors file has " + size
                        + " bytes, expected " + meta.size() + " x " + meta.dimension() + " floats = " + expected);
            }
            return MappedVectors.open(file, meta.dimension());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the vectors of " + meta.key(), e);
        }
    }

    /** Every value finite, checked once before a collection is made visible (queries then need not check). */
    private static void requireFinite(MappedVectors vectors, CollectionMeta meta) {
        float[] row = new float[vectors.dim()];
        for (int i = 0; i < vectors.size(); i++) {
            vectors.copyRow(i, row, 0);
            for (int j = 0; j < row.length; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException("collection " + meta.key() + ": value at row " + i + ", col "
                            + j + " is " + row[j] + "; only finite values are allowed");
                }
            }
        }
    }

    private void remember(VectorCollection c) {
        synchronized (loaded) {
            VectorCollection previous = loaded.put(c.key(), c);
            if (previous != null) {
                loadedBytes -= previous.bytes();
            }
            loadedBytes += c.bytes();
            Iterator<Map.Entry<CollectionKey, VectorCollection>> it = loaded.entrySet().iterator();
            while (loadedBytes > budget && loaded.size() > 1 && it.hasNext()) {
                VectorCollection evicted = it.next().getValue();
                if (evicted == c) {
                    continue;
                }
                it.remove();
                loadedBytes -= evicted.bytes();
            }
        }
    }
}
