package org.convnetplayground.features.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.problem.ProblemException;

/**
 * The datasets under the datasets root. A dataset is re-scanned only when one of its folders changed, so listing
 * stays cheap while images added on disk still show up. Symbolic links are never followed, so nothing outside
 * the root is ever served.
 */
@ApplicationScoped
public class DatasetRegistry {

    /** File name extensions of the image formats OpenCV decodes. */
    public static final Set<String> IMAGE_EXTENSIONS =
            Set.of("jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff");

    private final Path root;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    public DatasetRegistry(FeatureConfig config) {
        this.root = config.datasetsDir().toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Every dataset, by id. */
    public List<Dataset> list() {
        List<Dataset> out = new ArrayList<>();
        for (String id : ids()) {
            out.add(scan(id));
        }
        cache.keySet().retainAll(out.stream().map(Dataset::id).toList());
        return out;
    }

    /** The dataset, or a 404 naming the datasets there are. */
    public Dataset require(String id) {
        List<String> ids = ids();
        if (!ids.contains(id)) {
            throw ProblemException.unknown("dataset", id, null, ids, "/api/features/datasets");
        }
        return scan(id);
    }

    /** The image, or a 404 pointing at the dataset's image list. */
    public DatasetImage requireImage(Dataset dataset, String imageId) {
        return dataset.image(imageId).orElseThrow(() -> ProblemException.unknown("image", imageId,
                "in dataset '" + dataset.id() + "'", dataset.images().stream().limit(10).map(DatasetImage::id).toList(),
                "/api/features/datasets/" + dataset.id() + "/images"));
    }

    private List<String> ids() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the datasets root " + root, e);
        }
    }

    private Dataset scan(String id) {
        Path dir = root.resolve(id);
        String stamp = folderStamp(dir);
        Cached hit = cache.get(id);
        if (hit != null && hit.stamp().equals(stamp)) {
            return hit.dataset();
        }
        Dataset fresh = read(id, dir);
        cache.put(id, new Cached(stamp, fresh));
        return fresh;
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

    private static Dataset read(String id, Path dir) {
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
        return new Dataset(id, dir, images, HexFormat.of().formatHex(digest.digest()).substring(0, 16));
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
