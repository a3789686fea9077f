package org.convnetplayground.features.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.convnetplayground.errors.UnavailableException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.inference.image.PreprocessingSpec;

/**
 * Models as the catalog describes them, and their ONNX files, fetched from the catalog once and kept in a local
 * cache by checksum. The catalog owns the models; this service only keeps verified copies to run them.
 */
@ApplicationScoped
public class ModelRegistry {

    private static final Duration LABELS_TTL = Duration.ofSeconds(30);

    private final ModelCatalog catalog;
    private final Path cacheDir;
    private final Map<String, Map<String, List<Long>>> layerShapes = new ConcurrentHashMap<>();
    private final Map<String, Timed<List<String>>> labels = new ConcurrentHashMap<>();
    private final Map<String, Object> downloadLocks = new ConcurrentHashMap<>();

    @Inject
    public ModelRegistry(ModelCatalog catalog, FeatureConfig config) {
        this.catalog = catalog;
        this.cacheDir = config.dataDir().resolve("models");
    }

    public String catalogUrl() {
        return catalog.url();
    }

    /** Null when the catalog answers, else why it does not (for readiness). */
    public String catalogProblem() {
        return catalog.problem();
    }

    /**
     * The model as the catalog describes it now, or the catalog's unknown-name failure naming the models there are.
     * The catalog is asked every time (a small answer): an id may be deleted and imported again with another file.
     * What depends only on the file - its layers' shapes - is kept by checksum.
     */
    public ModelInfo require(String id) {
        if (!plausibleId(id)) {
            // never sent to the catalog as a path: it could only be refused there, in the catalog's own terms
            throw UnknownNameException.unknown("model", id, null, catalog.modelIds(), "/api/catalog/models");
        }
        ModelCatalog.CatalogModel m = catalog.model(id);
        Map<String, List<Long>> shapes = layerShapes.get(m.sha256());
        if (shapes == null) {
            Map<String, List<Long>> fetched = new LinkedHashMap<>();
            for (ModelCatalog.CatalogLayer l : catalog.layers(id)) {
                fetched.put(l.name(), l.outputShape());
            }
            shapes = java.util.Collections.unmodifiableMap(fetched);
            layerShapes.put(m.sha256(), shapes);
        }
        return new ModelInfo(m.id(), m.sha256(), m.sizeBytes(), m.inputName(), spec(m.preprocessing()),
                m.hasClassifier(), m.numClasses(), m.outputLayer(), m.featureLayers(), m.embeddingLayer(), shapes);
    }

    /** A model id is one plain path segment: no slash, backslash or percent sign, and not '.' or '..'. */
    static boolean plausibleId(String id) {
        return id != null && !id.isBlank() && !id.equals(".") && !id.equals("..")
                && id.chars().noneMatch(c -> c == '/' || c == '\\' || c == '%' || c < 0x20);
    }

    /** Checks each layer exists; the failure offers the feature layers and points at the full list. */
    public void requireLayers(ModelInfo model, List<String> layers) {
        for (String layer : layers) {
            if (!model.layerShapes().containsKey(layer)) {
                throw UnknownNameException.unknownAmong("layer", layer, "for model '" + model.id() + "'",
                        model.featureLayers(), "/api/catalog/models/" + model.id() + "/layers");
            }
        }
    }

    /** Class labels of a classifier, in output order; kept a little while, by model file. */
    public List<String> labels(ModelInfo model) {
        String key = model.sha256() + "|" + model.id();
        Timed<List<String>> hit = labels.get(key);
        if (hit != null && hit.fresh()) {
            return hit.value();
        }
        List<String> fetched = List.copyOf(catalog.labels(model.id()));
        labels.put(key, new Timed<>(fetched, Instant.now()));
        return fetched;
    }

    /** The model's ONNX file on local disk, downloaded and checksum-verified on first use. */
    public Path file(ModelInfo model) {
        Path target = cacheDir.resolve(model.sha256() + ".onnx");
        if (Files.isRegularFile(target)) {
            return target;
        }
        synchronized (downloadLocks.computeIfAbsent(model.sha256(), k -> new Object())) {
            if (Files.isRegularFile(target)) {
                return target;
            }
            try {
                download(model, target);
                return target;
            } catch (IOException e) {
                throw UnavailableException.of("cannot fetch the file of model '" + model.id()
                        + "' from the model-catalog-service at " + catalog.url() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw UnavailableException.of("interrupted while fetching model '" + model.id() + "'");
            }
        }
    }

    private void download(ModelInfo model, Path target) throws IOException, InterruptedException {
        Files.createDirectories(cacheDir);
        Path tmp = Files.createTempFile(cacheDir, model.sha256(), ".part");
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
                catalog.copyFile(model.id(), out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equalsIgnoreCase(model.sha256())) {
                throw new IOException("checksum mismatch: expected " + model.sha256() + ", got " + actual);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static PreprocessingSpec spec(ModelCatalog.CatalogPreprocessing p) {
        return PreprocessingSpec.of(p.inputSize(), p.layout(), p.channelOrder(), p.mean(), p.std(), p.resize(),
                p.cropFraction(), p.interpolation());
    }

    private record Timed<T>(T value, Instant at) {
        boolean fresh() {
            return at.plus(LABELS_TTL).isAfter(Instant.now());
        }
    }
}
