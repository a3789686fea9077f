package org.convnetplayground.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Writing folders so that a crash (power loss, kill -9) at any moment leaves either the old or the new version
 * whole. A new version is written into a staging folder, forced to disk (files, then folders), and swapped in by
 * renames: the old version is first renamed aside to {@code .old-<name>}, the new one renamed into place, the parent
 * folder forced after each rename, and only then the old version deleted. {@link #recover} puts things right after a
 * crash between any two of those steps: the old version back when the new one never arrived, the old one dropped
 * when the new one is in place.
 */
public final class Durable {

    private static final Logger LOG = Logger.getLogger(Durable.class);
    /** The prefix of a replaced version kept aside until its successor is in place. */
    public static final String OLD_PREFIX = ".old-";

    /** The steps of {@link #replaceDirectory}, for tests that simulate a crash after each. */
    public enum Step {
        /** The staged tree is on disk. */
        STAGED_FORCED,
        /** The previous version, if any, is renamed aside. */
        OLD_MOVED_ASIDE,
        /** The new version is in place. */
        NEW_IN_PLACE,
        /** The previous version is deleted. */
        OLD_DELETED
    }

    /** Called after each step; a test throws from it to stop there, as a crash would. */
    @FunctionalInterface
    public interface StepListener {
        void after(Step step) throws IOException;
    }

    private Durable() {
    }

    /** Forces a file's content and metadata to the device. */
    public static void forceFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Forces a folder's entries (names created, renamed or deleted in it) to the device. */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Forces every file of a tree, then every folder from the deepest up. Links are not followed. */
    public static void forceTree(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(p);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    forceFile(p);
                }
            }
        }
        for (int i = dirs.size() - 1; i >= 0; i--) {
            forceDirectory(dirs.get(i));
        }
    }

    /**
     * Makes {@code staged} (a complete new version, in the same folder as {@code target}) the content of
     * {@code target}, durably; see the class comment for the steps.
     */
    public static void replaceDirectory(Path staged, Path target) throws IOException {
        replaceDirectory(staged, target, step -> { });
    }

    /** As {@link #replaceDirectory(Path, Path)}, telling {@code listener} after each step. */
    public static void replaceDirectory(Path staged, Path target, StepListener listener) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Path old = parent.resolve(OLD_PREFIX + target.getFileName());
        forceTree(staged);
        listener.after(Step.STAGED_FORCED);
        if (Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
            // left by an earlier crash after the new version was in place
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                FileTrees.deleteTree(old);
            } else {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(parent);
        }
        listener.after(Step.OLD_MOVED_ASIDE);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(parent);
        listener.after(Step.NEW_IN_PLACE);
        if (Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
            FileTrees.deleteTree(old);
            forceDirectory(parent);
        }
        listener.after(Step.OLD_DELETED);
    }

    /**
     * Puts every folder of {@code parent} replaced by {@link #replaceDirectory} right after a crash: a version kept
     * aside goes back into place when its successor never arrived, and is deleted when the successor is in place.
     *
     * @return the names put back into place
     */
    public static List<String> recover(Path parent) throws IOException {
        List<String> restored = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return restored;
        }
        List<Path> olds = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, OLD_PREFIX + "*")) {
            entries.forEach(olds::add);
        }
        for (Path old : olds) {
            String name = old.getFileName().toString().substring(OLD_PREFIX.length());
            Path target = parent.resolve(name);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                FileTrees.deleteTree(old);
            } else {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                restored.add(name);
                LOG.infof("restored %s: its replacement never arrived", target);
            }
        }
        if (!olds.isEmpty()) {
            forceDirectory(parent);
        }
        return restored;
    }
}
