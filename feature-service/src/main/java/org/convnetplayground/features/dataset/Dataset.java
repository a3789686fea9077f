package org.convnetplayground.features.dataset;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A folder of images, one sub-folder per class, scanned into a stable order (by id). Immutable. */
public final class Dataset {

    private final String id;
    private final Path dir;
    private final List<DatasetImage> images;
    private final String version;
    private final Source source;
    private final Map<String, DatasetImage> byId = new HashMap<>();
    private final Map<String, Integer> classCounts;

    /**
     * @param id      the folder name
     * @param dir     the folder
     * @param images  every image, sorted by id
     * @param version changes whenever an image is added, removed or rewritten
     * @param source  where the dataset comes from, which decides whether it may be changed
     */
    public Dataset(String id, Path dir, List<DatasetImage> images, String version, Source source) {
        this.source = source;
        this.id = id;
        this.dir = dir;
        this.images = List.copyOf(images);
        this.version = version;
        Map<String, Integer> counts = new TreeMap<>();
        for (DatasetImage image : this.images) {
            byId.put(image.id(), image);
            if (image.label() != null) {
                counts.merge(image.label(), 1, Integer::sum);
            }
        }
        this.classCounts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    public String id() {
        return id;
    }

    public Path dir() {
        return dir;
    }

    public List<DatasetImage> images() {
        return images;
    }

    public String version() {
        return version;
    }

    public Source source() {
        return source;
    }

    /** Where a dataset comes from. Only uploaded datasets are changed through the API. */
    public enum Source {
        /** A folder of the configured datasets root, read-only. */
        SHARED,
        /** Created through the API; its images can be added and deleted. */
        UPLOADED,
        /** A server-side folder registered under an allowed root; read, never written. */
        REGISTERED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Optional<DatasetImage> image(String imageId) {
        return Optional.ofNullable(byId.get(imageId));
    }

    /**
     * The same dataset restricted to some of its images (in dataset order); its version names the subset too.
     *
     * @throws org.convnetplayground.errors.UnknownNameException for an id that is not an image of the dataset
     */
    public Dataset only(List<String> ids, DatasetRegistry registry) {
        java.util.Set<String> wanted = new java.util.HashSet<>(ids);
        for (String id : wanted) {
            registry.requireImage(this, id);
        }
        List<DatasetImage> subset = images.stream().filter(i -> wanted.contains(i.id())).toList();
        return new Dataset(this.id, dir, subset, version, source);
    }

    /** Class names, sorted, with the number of images in each. */
    public Map<String, Integer> classCounts() {
        return classCounts;
    }
}
