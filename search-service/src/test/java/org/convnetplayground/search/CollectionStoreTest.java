package org.convnetplayground.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.CollectionStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectionStoreTest {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final CollectionKey key = new CollectionKey("ds/with:odd", "model", "layer/with/slashes", "avg");

    @Test
    void committedCollectionsSurviveARestart() throws Exception {
        CollectionStore store = open();
        commit(store, new float[] {1, 2, 3, 4, 5, 6});
        CollectionStore reopened = open();
        assertEquals(1, reopened.list().size());
        assertEquals(key, reopened.list().get(0).key());
        assertArrayEquals(new float[] {4, 5, 6}, reopened.find(key).orElseThrow().vectors().row(1));
    }

    @Test
    void aFailedCommitLeavesThePreviousVersionIntact() throws Exception {
        CollectionStore store = open();
        commit(store, new float[] {1, 2, 3, 4, 5, 6});
        // wrong size: 5 floats for 2 x 3
        try (CollectionStore.Staging s = store.stage(key)) {
            s.writeVectors(new ByteArrayInputStream(bytes(new float[] {1, 2, 3, 4, 5})));
            assertThrows(IllegalArgumentException.class, () -> s.commit(meta()));
        }
        // non-finite values
        try (CollectionStore.Staging s = store.stage(key)) {
            s.writeVectors(new ByteArrayInputStream(bytes(new float[] {1, Float.NaN, 3, 4, 5, 6})));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.commit(meta()));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
        assertArrayEquals(new float[] {1, 2, 3}, open().find(key).orElseThrow().vectors().row(0));
        try (var files = Files.list(dir.resolve("collections"))) {
            assertEquals(1, files.count(), "no staging leftovers");
        }
    }

    @Test
    void deleteRemovesFromDiskAndIndex() throws Exception {
        CollectionStore store = open();
        commit(store, new float[] {1, 2, 3, 4, 5, 6});
        assertTrue(store.delete(key));
        assertEquals(Optional.empty(), open().meta(key));
    }

    private CollectionStore open() throws Exception {
        CollectionStore store = new CollectionStore(dir, 1 << 20, json, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        var start = CollectionStore.class.getDeclaredMethod("onStart", io.quarkus.runtime.StartupEvent.class);
        start.setAccessible(true);
        start.invoke(store, new io.quarkus.runtime.StartupEvent());
        return store;
    }

    private void commit(CollectionStore store, float[] v) throws Exception {
        try (CollectionStore.Staging s = store.stage(key)) {
            s.writeVectors(new ByteArrayInputStream(bytes(v)));
            s.commit(meta());
        }
    }

    private CollectionMeta meta() {
        return new CollectionMeta(key, 3, "v", "sha", Instant.parse("2026-01-01T00:00:00Z"),
                List.of(new CollectionMeta.Item("a", "x"), new CollectionMeta.Item("b", "y")));
    }

    private static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
