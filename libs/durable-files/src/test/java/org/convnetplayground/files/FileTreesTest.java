package org.convnetplayground.files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @TempDir
    Path tmp;

    @Test
    void deletesNestedFilesAndFolders() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("a/b/c"));
        Files.writeString(root.resolve("f.txt"), "x");
        Files.writeString(tmp.resolve("a/g.txt"), "y");
        assertTrue(FileTrees.deleteTree(tmp.resolve("a")));
        assertFalse(Files.exists(tmp.resolve("a")));
    }

    @Test
    void aMissingTreeIsAlreadyGone() {
        assertTrue(FileTrees.deleteTree(tmp.resolve("nothing")));
        assertTrue(FileTrees.deleteTree(null));
    }

    @Test
    void linksAreDeletedNotFollowed() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "precious");
        Path root = Files.createDirectories(tmp.resolve("tree"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        assertTrue(FileTrees.deleteTree(root));
        assertTrue(Files.isRegularFile(outside.resolve("keep.txt")), "the link's target must survive");
    }

    @Test
    void aRootThatIsALinkIsRemovedAsALink() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "precious");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), outside);
        assertTrue(FileTrees.deleteTree(link));
        assertTrue(Files.isRegularFile(outside.resolve("keep.txt")));
    }
}
