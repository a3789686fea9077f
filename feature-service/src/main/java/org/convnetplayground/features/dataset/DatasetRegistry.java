package org.convnetplayground.features.dataset;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.errors.UnknownNameException;

/**
 * The datasets: folders of the configured (read-only) datasets root, datasets uploaded through the API (in the
 * service's own data directory), and server-side folders registered under an allowed root. A dataset is re-scanned
 * only when one of its folders changed, so listing stays cheap while images added on disk still show up. Symbolic
 * links are never followed, so nothing outside those folders is ever served.
 */
@ApplicationScoped
public class DatasetRegistry {

    /** File name extensions of the image formats OpenCV decodes. */
    public static final Set<String> IMAGE_EXTENSIONS =
            Set.of("jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff");
    /** Folders in the uploads root that are not datasets (imports being written, deletions in progress). */
    static final String WORK_PREFIX = ".";

    private final Path root;
    private final Path uploads;
    private final Path registrationsFile;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Path> registrations = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    @Inject
    public DatasetRegistry(FeatureConfig config) {
        this.root = config.datasetsDir().toAbsolutePath().normalize();
        this.uploads = config.dataDir().resolve("datasets").toAbsolutePath().normalize();
        this.registrationsFile = config.dataDir().resolve("registered-datasets.json").toAbsolutePath().normalize();
        loadRegistrations();
    }

    public Path root() {
        return root;
    }

    /** Where uploaded datasets live. */
    public Path uploads() {
        return uploads;
    }

    /** Every dataset, by id. */
    public List<Dataset> list() {
        List<Dataset> out = new ArrayList<>();
        for (Map.Entry<String, Located> e : locations().entrySet()) {
            out.add(scan(e.getKey(), e.getValue()));
        }
        cache.keySet().retainAll(out.stream().map(Dataset::id).toList());
        return out;
    }

    /** The dataset, or an unknown-name failure naming the datasets there are. */
    public Dataset require(String id) {
        Map<String, Located> all = locations();
        Located where = all.get(id);
        if (where == null) {
            throw UnknownNameException.unknown("dataset", id, null, List.copyOf(all.keySet()), "/api/features/datasets");
        }
        return scan(id, where);
    }

    /** Whether any dataset, of any source, has this id. */
    public boolean exists(String id) {
        return locations().containsKey(id);
    }

    /** The image, or an unknown-name failure pointing at the dataset's image list. */
    public DatasetImage requireImage(Dataset dataset, String imageId) {
        return dataset.image(imageId).orElseThrow(() -> UnknownNameException.unknown("image", imageId,
                "in dataset '" + dataset.id() + "'", dataset.images().stream().limit(10).map(DatasetImage::id).toList(),
                "/api/features/datasets/" + dataset.id() + "/images"));
    }

    /** Registers a server-side folder (already checked to lie under an allowed root) as dataset {@code id}. */
    public synchronized void register(String id, Path folder) {
        registrations.put(id, folder);
        saveRegistrations();
    }

    /** Forgets a registered folder; its files are not touched. */
    public synchronized boolean unregister(String id) {
        boolean removed = registrations.remove(id) != null;
        if (removed) {
            saveRegistrations();
            cache.remove(id);
        }
        return removed;
    }

    /** Forgets what was scanned of a dataset, after the API changed it. */
    public void invalidate(String id) {
        cache.remove(id);
    }

    /** Where a dataset is and where it comes from. */
    private record Located(Path dir, Dataset.Source source) {
    }

    /** Every dataset id with its folder, by id; a shared dataset hides an uploaded or registered one of the same id. */
    private Map<String, Located> locations() {
        Map<String, Located> all = new TreeMap<>();
        registrations.forEach((id, dir) -> all.put(id, new Located(dir, Dataset.Source.REGISTERED)));
        for (Path dir : folders(uploads)) {
            all.put(dir.getFileName().toString(), new Located(dir, Dataset.Source.UPLOADED));
        }
        for (Path dir : folders(root)) {
            all.put(dir.getFileName().toString(), new Located(dir, Dataset.Source.SHARED));
        }
        return all;
    }

    private static List<Path> folders(Path parent) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(parent)) {
            return dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.getFileName().toString().startsWith(WORK_PREFIX))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + parent, e);
        }
    }

    private Dataset scan(String id, Located where) {
        String stamp = where.source() + "|" + folderStamp(where.dir());
        Cached hit = cache.get(id);
        if (hit != null && hit.stamp().equals(stamp)) {
            return hit.dataset();
        }
        Dataset fresh = read(id, where.dir(), where.source());
        cache.put(id, new Cached(stamp, fresh));
        return fresh;
    }

    private void loadRegistrations() {
        if (!Files.isRegularFile(registrationsFile)) {
            return;
        }
        try {
            Map<String, String> saved = json.readValue(registrationsFile.toFile(), new TypeReference<Map<String, String>>() { });
            saved.forEach((id, dir) -> registrations.put(id, Path.of(dir)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + registrationsFile, e);
        }
    }

    private void saveRegistrations() {
        try {
            Files.createDirectories(registrationsFile.getParent());
            Map<String, String> out = new TreeMap<>();
            registrations.forEach((id, dir) -> out.put(id, dir.toString()));
            Path tmp = Files.createTempFile(registrationsFile.getParent(), "registered", ".tmp");
            json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), out);
            Files.move(tmp, registrationsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + registrationsFile, e);
        }
    }

    /** Modification times of the dataset folder and its class folders: what changes when files come or go. */
    private static String folderStamp(Path dir) {
        StringBuilder stamp = new StringBuilder();
        try (Stream<Path> walk = Files.walk(dir, 8)) {
            walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().forEach(p -> {
                try {
                    stamp.append(p).append('@').append(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)).append(';');
                } catch (IOException e) {
                    stamp.append(p).append("@?;");
                }
            });
        } catch (IOException e) {
            return "unreadable";
        }
        return stamp.toString();
    }

    private static Dataset read(String id, Path dir, Dataset.Source source) {
        List<DatasetImage> images = new ArrayList<>();
        Map<String, Long> modified = new java.util.HashMap<>();
        try (Stream<Path> walk = Files.walk(dir, 8)) {
            walk.filter(p -> isImage(dir, p)).forEach(p -> {
                try {
                    BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    Path rel = dir.relativize(p);
                    String imageId = rel.toString().replace('\\', '/');
                    String label = rel.getNameCount() > 1 ? rel.getName(0).toString() : null;
                    images.add(new DatasetImage(imageId, label, p, attrs.size()));
                    modified.put(imageId, attrs.lastModifiedTime().toMillis());
                } catch (IOException e) {
                    // an unreadable file is left out of the dataset
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + id, e);
        }
        images.sort(Comparator.comparing(DatasetImage::id));
        MessageDigest digest = sha1();
        for (DatasetImage i : images) {
            digest.update((i.id() + '|' + i.bytes() + '|' + modified.get(i.id()) + '\n').getBytes(StandardCharsets.UTF_8));
        }
        return new Dataset(id, dir, images, HexFormat.of().formatHex(digest.digest()).substring(0, 16), source);
    }

    private static boolean isImage(Path dir, Path p) {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path rel = dir.relativize(p);
        for (Path part : rel) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Cached(String stamp, Dataset dataset) {
    }
}
