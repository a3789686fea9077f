package org.convnetplayground.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableTest {

    @TempDir
    Path dir;

    /** A crash after each step: recovery finds one whole version, the old one until the new one is in place. */
    @Test
    void aCrashAfterAnyStepLeavesOneWholeVersion() throws IOException {
        for (Durable.Step crashAfter : Durable.Step.values()) {
            Path parent = Files.createDirectories(dir.resolve(crashAfter.name()));
            Path target = parent.resolve("collection");
            write(target, "old");
            Path staged = parent.resolve(".staging-1");
            write(staged, "new");
            IOException crash = assertThrows(IOException.class, () -> Durable.replaceDirectory(staged, target, step -> {
                if (step == crashAfter) {
                    throw new IOException("crash after " + step);
                }
            }));
            assertEquals("crash after " + crashAfter, crash.getMessage());
            Durable.recover(parent);
            String expected = crashAfter.compareTo(Durable.Step.NEW_IN_PLACE) >= 0 ? "new" : "old";
            assertEquals(expected, read(target), "crash after " + crashAfter);
            assertEquals(List.of("collection"), names(parent).stream().filter(n -> !n.startsWith(".staging")).toList(),
                    "crash after " + crashAfter + ": nothing else left");
            // a later replacement works from whatever the crash left
            Path again = parent.resolve(".staging-2");
            write(again, "newer");
            Durable.replaceDirectory(again, target);
            assertEquals("newer", read(target));
        }
    }

    @Test
    void aFirstVersionNeedsNoOldOne() throws IOException {
        Path staged = dir.resolve(".staging");
        write(staged, "first");
        Durable.replaceDirectory(staged, dir.resolve("c"));
        assertEquals("first", read(dir.resolve("c")));
        assertFalse(Files.exists(staged));
        assertTrue(Durable.recover(dir).isEmpty());
    }

    private static void write(Path folder, String content) throws IOException {
        Files.createDirectories(folder.resolve("sub"));
        Files.writeString(folder.resolve("meta.json"), content);
        Files.writeString(folder.resolve("sub/data"), content);
    }

    private static String read(Path folder) throws IOException {
        String meta = Files.readString(folder.resolve("meta.json"));
        assertEquals(meta, Files.readString(folder.resolve("sub/data")), "a whole version");
        return meta;
    }

    private static List<String> names(Path parent) throws IOException {
        try (Stream<Path> list = Files.list(parent)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
