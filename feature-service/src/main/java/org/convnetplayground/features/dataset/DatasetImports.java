package org.convnetplayground.features.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.inference.image.ImageCodec;
import org.convnetplayground.errors.ConflictException;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.TooLargeException;
import org.convnetplayground.files.FileTrees;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;

/**
 * Datasets made and changed through the API, distrusting everything they are given: archive entries that would land
 * outside the dataset (zip-slip, absolute paths), links, archives that unpack to too much (zip bombs, counted while
 * unpacking rather than believed from headers), and files that are not decodable images are refused or skipped and
 * reported. A new dataset is unpacked into a staging folder and appears in one rename, so a failed import leaves
 * nothing behind and nothing that existed is touched.
 */
@ApplicationScoped
public class DatasetImports {

    private static final Logger LOG = Logger.getLogger(DatasetImports.class);
    /** Dataset ids and class names: letters, digits, dot, dash, underscore; no leading dot. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final DatasetRegistry registry;
    private final ImageCodec codec;
    private final FeatureConfig config;

    @Inject
    public DatasetImports(DatasetRegistry registry, ImageCodec codec, FeatureConfig config) {
        this.registry = registry;
        this.codec = codec;
        this.config = config;
    }

    /** What an import did. */
    @Schema(name = "ImportResult")
    public record ImportResult(
            @Schema(description = "The dataset id.") String id,
            @Schema(description = "Images added.") int imported,
            @Schema(description = "Entries left out, with the reason.") List<Skipped> skipped) {
    }

    /** An archive entry or file left out of an import. */
    @Schema(name = "SkippedFile")
    public record Skipped(String name, String reason) {
    }

    /** Creates dataset {@code name} from a zip archive: class sub-folders give labels; images at the top have none. */
    public ImportResult create(String name, Path archive) {
        requireName(name, "name");
        if (registry.exists(name)) {
            throw ConflictException.of("a dataset named '" + name + "' already exists; choose another name or delete it first");
        }
        Path stage = stage();
        try {
            List<Skipped> skipped = new ArrayList<>();
            int imported = unpack(archive, stage, skipped);
            if (imported == 0) {
                throw new InvalidInputException("No usable image",
                        "the archive holds no usable image" + (skipped.isEmpty() ? "" : "; first problem: "
                                + skipped.get(0).name() + ": " + skipped.get(0).reason()),
                        DomainException.Details.of("archive", null));
            }
            synchronized (this) {
                if (registry.exists(name)) {
                    throw ConflictException.of("a dataset named '" + name + "' was created meanwhile");
                }
                Files.move(stage, registry.uploads().resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            LOG.infof("dataset %s created: %d images, %d skipped", name, imported, skipped.size());
            return new ImportResult(name, imported, skipped);
        } catch (IOException e) {
            throw new UncheckedIOException("import of dataset " + name + " failed", e);
        } finally {
            FileTrees.deleteTree(stage);
        }
    }

    /**
     * Adds images to an uploaded dataset: files (under {@code label}'s folder, or at the top when null) and/or the
     * images of an archive. Existing files are never overwritten; a name already taken gets a numbered suffix.
     */
    public ImportResult add(String id, String label, List<Upload> files, Path archive) {
        Dataset dataset = writable(id);
        if (label != null && !label.isBlank()) {
            requireName(label, "label");
        }
        Path stage = stage();
        try {
            List<Skipped> skipped = new ArrayList<>();
            int count = 0;
            Path into = label == null || label.isBlank() ? stage : stage.resolve(label);
            for (Upload f : files) {
                String fileName = safeFileName(f.name(), skipped);
                if (fileName != null) {
                    count += accept(f.name(), f.file(), into.resolve(fileName), skipped) ? 1 : 0;
                }
            }
            if (archive != null) {
                count += unpack(archive, stage, skipped);
            }
            // move each staged image into place, renaming where a name is taken
            try (Stream<Path> walk = Files.walk(stage)) {
                for (Path f : walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                    Path target = dataset.dir().resolve(stage.relativize(f).toString());
                    Files.createDirectories(target.getParent());
                    Files.move(f, freeName(target));
                }
            }
            registry.invalidate(id);
            return new ImportResult(id, count, skipped);
        } catch (IOException e) {
            throw new UncheckedIOException("adding images to dataset " + id + " failed", e);
        } finally {
            FileTrees.deleteTree(stage);
        }
    }

    /** A file sent with a request: its client-side name and where it was saved. */
    public record Upload(String name, Path file) {
    }

    /** Deletes one image of an uploaded dataset. */
    public void deleteImage(String id, String imageId) {
        Dataset dataset = writable(id);
        DatasetImage image = registry.requireImage(dataset, imageId);
        try {
            Files.delete(image.file());
            Path parent = image.file().getParent();
            if (!parent.equals(dataset.dir())) {
                try (Stream<Path> left = Files.list(parent)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(parent);
                    }
                }
            }
            registry.invalidate(id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + imageId, e);
        }
    }

    /** Deletes an uploaded dataset with its files, or forgets a registered folder (its files stay). */
    public void delete(String id) {
        Dataset dataset = registry.require(id);
        switch (dataset.source()) {
            case SHARED -> throw ConflictException.of("dataset '" + id + "' is part of the read-only datasets root; "
                    + "only uploaded datasets can be deleted (and registered folders unregistered)");
            case REGISTERED -> registry.unregister(id);
            case UPLOADED -> {
                // renamed away first, so it disappears at once and a crash leaves only a work folder
                Path trash = registry.uploads().resolve(DatasetRegistry.WORK_PREFIX + "deleted-" + UUID.randomUUID());
                try {
                    Files.move(dataset.dir(), trash, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete dataset " + id, e);
                }
                registry.invalidate(id);
                FileTrees.deleteTree(trash);
            }
        }
    }

    /** Registers a server-side folder as a dataset; it must lie under one of the allowed roots. */
    public Dataset register(String id, String folder) {
        requireName(id, "id");
        if (folder == null || folder.isBlank()) {
            throw InvalidInputException.missing("path", "an absolute path of a folder under an allowed root");
        }
        List<Path> roots = config.allowedRoots().orElse(List.of());
        if (roots.isEmpty()) {
            throw InvalidInputException.of("registering server-side folders is disabled: no allowed roots are "
                    + "configured (cnp.features.allowed-roots)");
        }
        Path real;
        try {
            real = Path.of(folder).toRealPath();
        } catch (IOException | RuntimeException e) {
            throw InvalidInputException.invalid("path", Names.printable(folder), "an existing folder under one of " + roots);
        }
        boolean allowed = roots.stream().anyMatch(r -> {
            try {
                return real.startsWith(r.toRealPath());
            } catch (IOException e) {
                return false;
            }
        });
        if (!allowed || !Files.isDirectory(real)) {
            throw InvalidInputException.invalid("path", Names.printable(folder), "a folder under one of the allowed roots " + roots);
        }
        synchronized (this) {
            if (registry.exists(id)) {
                throw ConflictException.of("a dataset named '" + id + "' already exists");
            }
            registry.register(id, real);
        }
        return registry.require(id);
    }

    private Dataset writable(String id) {
        Dataset dataset = registry.require(id);
        if (dataset.source() != Dataset.Source.UPLOADED) {
            throw ConflictException.of("dataset '" + id + "' is " + dataset.source().id()
                    + " and read-only; images can only be added to or deleted from uploaded datasets");
        }
        return dataset;
    }

    /**
     * Unpacks the images of a zip archive into {@code into}, keeping their folders; returns how many were kept.
     * The whole import is refused (too large) when the archive has too many entries or unpacks to too much.
     */
    private int unpack(Path archive, Path into, List<Skipped> skipped) throws IOException {
        long budget = config.imports().maxUnpackedBytes();
        int imported = 0;
        ZipFile zip;
        try {
            zip = ZipFile.builder().setPath(archive).get();
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("Unreadable archive", "the archive is not a readable zip file: "
                    + e.getMessage(), DomainException.Details.of("archive", null));
        }
        try (zip) {
            List<ZipArchiveEntry> entries = new ArrayList<>();
            zip.getEntries().asIterator().forEachRemaining(entries::add);
            if (entries.size() > config.imports().maxEntries()) {
                throw tooLarge("the archive has " + entries.size() + " entries; the limit is " + config.imports().maxEntries());
            }
            String prefix = commonFolder(entries);
            for (ZipArchiveEntry entry : entries) {
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                String reason = unsafe(name, entry);
                if (reason != null) {
                    skipped.add(new Skipped(Names.printable(name), reason));
                    continue;
                }
                String relative = name.replace('\\', '/').substring(prefix.length());
                Path target = into.resolve(relative).normalize();
                if (!target.startsWith(into)) {
                    skipped.add(new Skipped(name, "its path leads outside the dataset"));
                    continue;
                }
                // unpacked beside the staging folder's entries under a hidden name of its own: the entry's name may be
                // as long as a file name can be, with no room for a suffix
                Path part = Files.createTempFile(into, DatasetRegistry.WORK_PREFIX + "unpack-", ".part");
                long limit = Math.min(budget, config.images().maxBytes() + 1);
                long written;
                try (InputStream in = zip.getInputStream(entry); OutputStream out = Files.newOutputStream(part)) {
                    written = copy(in, out, limit);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(part);
                    skipped.add(new Skipped(name, "cannot be unpacked: " + e.getMessage()));
                    continue;
                }
                budget -= written;
                if (budget <= 0) {
                    Files.deleteIfExists(part);
                    throw tooLarge("the archive unpacks to more than " + config.imports().maxUnpackedBytes()
                            + " bytes (the limit); nothing was imported");
                }
                if (written > config.images().maxBytes()) {
                    Files.deleteIfExists(part);
                    skipped.add(new Skipped(name, "larger than the image limit of " + config.images().maxBytes() + " bytes"));
                    continue;
                }
                try {
                    imported += accept(name, part, target, skipped) ? 1 : 0;
                } finally {
                    Files.deleteIfExists(part);
                }
            }
        }
        return imported;
    }

    /** Keeps {@code file} as {@code target} when it is a decodable image of a supported format; else reports why not. */
    private boolean accept(String name, Path file, Path target, List<Skipped> skipped) throws IOException {
        if (!isImageName(name)) {
            skipped.add(new Skipped(name, "not an image file; expected one of " + DatasetRegistry.IMAGE_EXTENSIONS.stream().sorted().toList()));
            return false;
        }
        long size = Files.size(file);
        if (size > config.images().maxBytes()) {
            skipped.add(new Skipped(name, "larger than the image limit of " + config.images().maxBytes() + " bytes"));
            return false;
        }
        try {
            codec.size(Files.readAllBytes(file), name);
        } catch (DomainException e) {
            skipped.add(new Skipped(name, e.getMessage()));
            return false;
        }
        try {
            Files.createDirectories(target.getParent());
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileSystemException e) {
            // the name clashes with what is there (a file where a folder must go) or the file system refuses it
            skipped.add(new Skipped(name, "cannot be stored under this name: "
                    + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason())));
            return false;
        }
        return true;
    }

    /** Why an entry must not be unpacked, or null. */
    private static String unsafe(String name, ZipArchiveEntry entry) {
        String n = name.replace('\\', '/');
        if (entry.isUnixSymlink()) {
            return "a symbolic link; links are never followed";
        }
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
            return "an absolute path";
        }
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                return "its path leads outside the dataset";
            }
            if (part.startsWith(".") || part.equals("__MACOSX")) {
                return "a hidden or system file";
            }
        }
        return Names.problem(n);
    }

    /** The single top folder every entry shares ("photos/"), which is not a class; empty when there is none. */
    private static String commonFolder(List<ZipArchiveEntry> entries) {
        String common = null;
        for (ZipArchiveEntry e : entries) {
            String n = e.getName().replace('\\', '/');
            if (n.startsWith("__MACOSX/") || (!e.isDirectory() && !n.contains("/"))) {
                if (!n.startsWith("__MACOSX/")) {
                    return "";
                }
                continue;
            }
            String first = n.substring(0, n.indexOf('/') + 1);
            if (common == null) {
                common = first;
            } else if (!common.equals(first)) {
                return "";
            }
        }
        if (common == null) {
            return "";
        }
        // only strip it when it holds class folders, not images directly (then it is the one class)
        String prefix = common;
        boolean hasSubfolders = entries.stream().map(e -> e.getName().replace('\\', '/'))
                .anyMatch(n -> n.startsWith(prefix) && n.substring(prefix.length()).contains("/"));
        return hasSubfolders ? common : "";
    }

    private static long copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > limit) {
                return total;
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    private static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && DatasetRegistry.IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** The last segment of a client-side file name, if it is a safe one; null (and reported) otherwise. */
    private static String safeFileName(String name, List<Skipped> skipped) {
        String base = name == null ? "" : name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        String problem = Names.problem(base);
        if (problem != null) {
            skipped.add(new Skipped(Names.printable(name), problem));
            return null;
        }
        if (base.isEmpty() || base.startsWith(".")) {
            skipped.add(new Skipped(String.valueOf(name), "not a usable file name"));
            return null;
        }
        return base;
    }

    private static Path freeName(Path target) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return target;
        }
        String file = target.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file;
        String ext = dot > 0 ? file.substring(dot) : "";
        for (int i = 1; ; i++) {
            Path candidate = target.resolveSibling(stem + "-" + i + ext);
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
    }

    private Path stage() {
        try {
            Files.createDirectories(registry.uploads());
            return Files.createDirectory(registry.uploads().resolve(DatasetRegistry.WORK_PREFIX + "import-" + UUID.randomUUID()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a staging folder in " + registry.uploads(), e);
        }
    }

    private static void requireName(String name, String field) {
        if (name == null || name.isBlank()) {
            throw InvalidInputException.missing(field, "a name of letters, digits, '.', '-' or '_' (at most 64, not starting with '.')");
        }
        if (!NAME.matcher(name).matches()) {
            String character = Names.unsafeCharacter(name);
            throw InvalidInputException.invalid(field, Names.printable(name), "letters, digits, '.', '-' or '_' (at most "
                    + "64, not starting with '.' or containing '/')" + (character == null ? "" : "; " + character));
        }
    }

    private static TooLargeException tooLarge(String detail) {
        return new TooLargeException("Archive too large", detail, DomainException.Details.of("archive", null), null);
    }

}
