package org.convnetplayground.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.convnetplayground.files.Durable;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.CollectionStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash (the process stops) after each step of replacing a stored collection: the store opened afterwards serves
 * the old version whole until the new one was in place, then the new one, and keeps nothing else.
 */
class CollectionStoreCrashTest {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final CollectionKey key = new CollectionKey("ds", "model", "layer", "avg");

    @Test
    void aCrashAtEachStepLeavesOneWholeVersion() throws Exception {
        for (Durable.Step crashAfter : Durable.Step.values()) {
            Path data = Files.createDirectories(dir.resolve(crashAfter.name()));
            CollectionStore store = open(data);
            try (CollectionStore.Staging s = store.stage(key)) {
                s.writeVectors(new ByteArrayInputStream(bytes(new float[] {1, 2, 3, 4, 5, 6})));
                s.commit(meta("v1"));
            }
            // the store's commit steps, with the process stopping after one of them
            Path staged = store.root().resolve(".staging-crash");
            Files.createDirectories(staged);
            Files.write(staged.resolve("vectors.f32"), bytes(new float[] {7, 8, 9, 10, 11, 12}));
            json.writeValue(staged.resolve("meta.json").toFile(), meta("v2"));
            assertThrows(IOException.class, () -> Durable.replaceDirectory(staged, store.folder(key), step -> {
                if (step == crashAfter) {
                    throw new IOException("crash");
                }
            }));

            CollectionStore reopened = open(data);
            boolean newInPlace = crashAfter.compareTo(Durable.Step.NEW_IN_PLACE) >= 0;
            CollectionMeta meta = reopened.meta(key).orElseThrow();
            assertEquals(newInPlace ? "v2" : "v1", meta.datasetVersion(), "crash after " + crashAfter);
            assertArrayEquals(newInPlace ? new float[] {7, 8, 9} : new float[] {1, 2, 3},
                    reopened.find(key).orElseThrow().vectors().row(0), "crash after " + crashAfter);
            try (Stream<Path> left = Files.list(reopened.root())) {
                assertEquals(List.of(store.folder(key).getFileName().toString()),
                        left.map(p -> p.getFileName().toString()).toList(), "crash after " + crashAfter);
            }
        }
    }

    private CollectionStore open(Path data) throws Exception {
        CollectionStore store = new CollectionStore(data, 1 << 20, json,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        var start = CollectionStore.class.getDeclaredMethod("onStart", io.quarkus.runtime.StartupEvent.class);
        start.setAccessible(true);
        start.invoke(store, new io.quarkus.runtime.StartupEvent());
        return store;
    }

    private CollectionMeta meta(String version) {
        return new CollectionMeta(key, 3, version, "sha", Instant.parse("2026-01-01T00:00:00Z"),
                List.of(new CollectionMeta.Item("a", "x"), new CollectionMeta.Item("b", "y")));
    }

    private static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
