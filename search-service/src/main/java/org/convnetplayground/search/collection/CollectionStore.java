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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.convnetplayground.vectors.VectorMatrix;
import org.jboss.logging.Logger;

/**
 * Collections on disk under the data directory, one folder each ({@code meta.json} + {@code vectors.f32}, float32
 * little-endian rows), loaded into memory on first use within a byte budget. A collection is written into a
 * staging folder and renamed into place in one step, so a crash or a failed build never leaves a half-written
 * collection, and a rebuild replaces the old one only once the new one is complete.
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
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                if (dir.getFileName().toString().startsWith(STAGING_PREFIX)) {
                    FileTrees.deleteTree(dir);
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
            VectorCollection collection = new VectorCollection(meta, readVectors(dir, meta));
            json.writeValue(dir.resolve("meta.json").toFile(), meta);
            Path target = dir(key);
            Path old = root.resolve(STAGING_PREFIX + "old-" + UUID.randomUUID());
            synchronized (CollectionStore.this) {
                if (Files.exists(target)) {
                    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
                index.put(key, meta);
                synchronized (loaded) {
                    VectorCollection previous = loaded.remove(key);
                    if (previous != null) {
                        loadedBytes -= previous.bytes();
                    }
                }
            }
            committed = true;
            FileTrees.deleteTree(old);
            metrics.update(list());
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

    private static VectorMatrix readVectors(Path dir, CollectionMeta meta) {
        Path file = dir.resolve("vectors.f32");
        long expected = (long) meta.size() * meta.dimension() * Float.BYTES;
        try (FileChannel channel = FileChannel.open(file)) {
            if (channel.size() != expected) {
                throw new IllegalArgumentException("collection " + meta.key() + ": vectors file has " + channel.size()
                        + " bytes, expected " + meta.size() + " x " + meta.dimension() + " floats = " + expected);
            }
            if (expected > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("collection " + meta.key() + " is too large to rank in memory ("
                        + expected + " bytes)");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) expected).order(ByteOrder.LITTLE_ENDIAN);
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // keep reading
            }
            bytes.flip();
            float[] values = new float[meta.size() * meta.dimension()];
            bytes.asFloatBuffer().get(values);
            return VectorMatrix.of(values, meta.dimension());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the vectors of " + meta.key(), e);
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
