package org.convnetplayground.files;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.jboss.logging.Logger;

/** Folder trees on disk. */
public final class FileTrees {

    private static final Logger LOG = Logger.getLogger(FileTrees.class);

    private FileTrees() {
    }

    /**
     * Deletes {@code root} and everything under it, best effort: what cannot be deleted is logged and left. Links
     * are deleted, never followed, so a link inside the tree cannot take files outside it along.
     *
     * @return whether nothing is left at {@code root}
     */
    public static boolean deleteTree(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try {
            // walkFileTree does not follow links by default: a link is visited as a file and deleted as one
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warnf("cannot delete %s: %s", root, e.getMessage());
        }
        return !Files.exists(root, LinkOption.NOFOLLOW_LINKS);
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warnf("cannot delete %s: %s", p, e.getMessage());
        }
    }
}
