package org.convnetplayground.catalog.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.convnetplayground.catalog.config.CatalogConfig;
import org.convnetplayground.catalog.store.ModelStoreWriter;
import org.convnetplayground.errors.UnknownNameException;
import org.jboss.logging.Logger;

/**
 * Well-known ImageNet CNNs the catalog can download on request: canonical URL, SHA-256, size and the model.json
 * form of each (preprocessing, licence, source). Read from the built-in {@code zoo.json} resource, or from the file
 * {@code cnp.catalog.zoo-file} names.
 */
@ApplicationScoped
public class ModelZoo {

    private static final Logger LOG = Logger.getLogger(ModelZoo.class);
    static final String RESOURCE = "zoo.json";

    /**
     * One zoo model.
     *
     * @param id        the id it gets in the catalog
     * @param url       where the ONNX file is published
     * @param sha256    the file's SHA-256
     * @param sizeBytes the file's size
     * @param metadata  its model.json form, ready to send to /api/catalog/models/download
     */
    public record Entry(String id, String url, String sha256, long sizeBytes, ObjectNode metadata) {
    }

    private final CatalogConfig config;
    private final ObjectMapper json;
    private volatile Map<String, Entry> entries = Map.of();

    @Inject
    public ModelZoo(CatalogConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    void onStart(@Observes StartupEvent event) {
        entries = load();
    }

    public List<Entry> list() {
        return List.copyOf(entries.values());
    }

    /** The entry, or an unknown-name failure naming the zoo's models. */
    public Entry require(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            throw UnknownNameException.unknown("zoo model", id, null, entries.keySet(), "/api/catalog/zoo");
        }
        return e;
    }

    public Optional<Entry> find(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    /** Where the entries were read from. */
    public String source() {
        return config.zooFile().map(p -> p.toAbsolutePath().normalize().toString()).orElse("classpath:" + RESOURCE);
    }

    Map<String, Entry> load() {
        JsonNode root;
        try {
            Optional<Path> file = config.zooFile();
            if (file.isPresent()) {
                root = json.readTree(Files.readAllBytes(file.get()));
            } else {
                try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(RESOURCE)) {
                    if (in == null) {
                        LOG.warnf("no %s resource: the zoo is empty", RESOURCE);
                        return Map.of();
                    }
                    root = json.readTree(in);
                }
            }
        } catch (IOException e) {
            LOG.errorf("cannot read the zoo from %s (%s): the zoo is empty", source(), e.getMessage());
            return Map.of();
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode n : root.path("models")) {
            String id = n.path("id").asText("");
            try {
                ModelStoreWriter.checkId("id", id);
                String url = n.path("url").asText("");
                String sha = n.path("sha256").asText("");
                if (!url.startsWith("https://") && !url.startsWith("http://")) {
                    throw new IllegalArgumentException("its url is not http(s): " + url);
                }
                if (!sha.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("its sha256 is not 64 lower-case hex digits");
                }
                if (!n.path("metadata").isObject() || !id.equals(n.path("metadata").path("name").asText())) {
                    throw new IllegalArgumentException("its metadata is not an object named '" + id + "'");
                }
                out.put(id, new Entry(id, url, sha, n.path("size_bytes").asLong(0), (ObjectNode) n.get("metadata")));
            } catch (RuntimeException e) {
                skipped.add(id + " (" + e.getMessage() + ")");
            }
        }
        if (!skipped.isEmpty()) {
            LOG.warnf("zoo %s: entries left out: %s", source(), skipped);
        }
        LOG.infof("zoo %s: %d models", source(), out.size());
        return out;
    }
}
