package org.convnetplayground.catalog.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.convnetplayground.catalog.config.CatalogConfig;
import org.convnetplayground.catalog.graph.LayerTable;
import org.convnetplayground.catalog.onnx.OrtShapeInference;
import org.convnetplayground.onnx.graph.GraphInput;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.convnetplayground.problem.ProblemException;
import org.jboss.logging.Logger;

/**
 * The model store: one folder per model under the models directory. At start-up every model is checked against
 * its declared checksum and its graph analysed (cached on disk by checksum, so restarts are quick). Models that
 * fail a check are left out of the catalog and reported by the health check, never served half-valid.
 */
@ApplicationScoped
public class ModelStore {

    private static final Logger LOG = Logger.getLogger(ModelStore.class);
    /** Bump when the analysis format or the feature-layer rule changes, to invalidate cached analyses. */
    private static final String ANALYSIS_VERSION = "4";

    private final CatalogConfig config;
    private final OrtShapeInference shapeInference;
    private final ObjectMapper json;

    private volatile Map<String, CatalogModel> models = Map.of();
    private volatile Map<String, String> rejected = Map.of();
    private volatile boolean loaded;

    @Inject
    public ModelStore(CatalogConfig config, OrtShapeInference shapeInference, ObjectMapper json) {
        this.config = config;
        this.shapeInference = shapeInference;
        this.json = json;
    }

    void onStart(@Observes StartupEvent event) {
        refresh();
    }

    /** Re-reads the models directory. */
    public synchronized void refresh() {
        Path root = config.modelsDir().toAbsolutePath().normalize();
        Map<String, String> failures = new TreeMap<>();
        List<Path> dirs = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> list = Files.list(root)) {
                list.filter(p -> Files.isRegularFile(p.resolve("model.json"))).sorted().forEach(dirs::add);
            } catch (IOException e) {
                LOG.errorf("cannot list the models directory %s: %s", root, e.getMessage());
            }
        } else {
            LOG.errorf("the models directory %s does not exist", root);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, config.analysisThreads()));
        try {
            Map<String, Future<CatalogModel>> pending = new LinkedHashMap<>();
            for (Path dir : dirs) {
                pending.put(dir.getFileName().toString(), pool.submit(() -> load(root, dir)));
            }
            List<CatalogModel> ok = new ArrayList<>();
            for (Map.Entry<String, Future<CatalogModel>> e : pending.entrySet()) {
                try {
                    ok.add(e.getValue().get());
                } catch (ExecutionException failure) {
                    String why = failure.getCause().getMessage();
                    failures.put(e.getKey(), why);
                    LOG.warnf("model '%s' left out of the catalog: %s", e.getKey(), why);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            ok.sort(Comparator.comparingLong(CatalogModel::parameters)
                    .thenComparingInt(CatalogModel::layerCount)
                    .thenComparing(CatalogModel::id));
            Map<String, CatalogModel> ordered = new LinkedHashMap<>();
            ok.forEach(m -> ordered.put(m.id(), m));
            models = ordered;
            rejected = failures;
            loaded = true;
            LOG.infof("model store %s: %d models, %d rejected", root, ordered.size(), failures.size());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Models in order of complexity: parameters, then layer count. */
    public List<CatalogModel> list() {
        return List.copyOf(models.values());
    }

    public Optional<CatalogModel> find(String id) {
        return Optional.ofNullable(models.get(id));
    }

    /** The model, or a 404 naming the models there are. */
    public CatalogModel require(String id) {
        CatalogModel model = models.get(id);
        if (model == null) {
            throw ProblemException.unknown("model", id, null, models.keySet(), "/api/catalog/models");
        }
        return model;
    }

    /** Folders that hold a model.json but failed a check, with the reason. */
    public Map<String, String> rejected() {
        return rejected;
    }

    public boolean isLoaded() {
        return loaded;
    }

    public Path modelsDir() {
        return config.modelsDir().toAbsolutePath().normalize();
    }

    private CatalogModel load(Path root, Path dir) throws IOException {
        String id = dir.getFileName().toString();
        byte[] metadataBytes = Files.readAllBytes(dir.resolve("model.json"));
        JsonNode node = json.readTree(metadataBytes);
        ModelMetadata meta = ModelJson.read(id, node);
        Path file = inside(root, dir.resolve(meta.file()), "file");
        if (!Files.isRegularFile(file)) {
            throw new IOException("its ONNX file " + meta.file() + " is missing");
        }
        long size = Files.size(file);
        if (size > config.maxModelBytes()) {
            throw new IOException("its ONNX file is " + size + " bytes; the limit is " + config.maxModelBytes());
        }
        String sha = sha256(file);
        if (!meta.sha256().isEmpty() && !meta.sha256().equalsIgnoreCase(sha)) {
            throw new IOException("checksum mismatch: model.json declares sha256 " + meta.sha256()
                    + " but the file has " + sha);
        }
        List<String> labels = meta.labelsFile() == null ? List.of()
                : Files.readAllLines(inside(root, dir.resolve(meta.labelsFile()), "labels_file"), StandardCharsets.UTF_8)
                        .stream().filter(l -> !l.isBlank()).toList();
        if (meta.hasClassifier() && !labels.isEmpty() && labels.size() != meta.numClasses()) {
            throw new IOException("its labels file has " + labels.size() + " labels for " + meta.numClasses() + " classes");
        }
        Analysis analysis = analysis(meta, file, sha, metadataBytes);
        if (meta.declaredParameters() != null && meta.declaredParameters() != analysis.table().parameters()) {
            LOG.warnf("model '%s': model.json declares %d parameters, the graph has %d", id,
                    meta.declaredParameters(), analysis.table().parameters());
        }
        return new CatalogModel(meta, file, sha, size, analysis.opset(), analysis.inputName(), analysis.table(), labels);
    }

    /** The graph analysis, from the on-disk cache when the file and its metadata are unchanged. */
    private Analysis analysis(ModelMetadata meta, Path file, String sha, byte[] metadataBytes) throws IOException {
        String key = sha256(ANALYSIS_VERSION + "|" + sha + "|" + config.featureLayers() + "|"
                + new String(metadataBytes, StandardCharsets.UTF_8));
        Path cached = config.dataDir().resolve("analysis").resolve(key + ".json");
        if (Files.isRegularFile(cached)) {
            try {
                return json.readValue(cached.toFile(), Analysis.class);
            } catch (IOException unreadable) {
                LOG.warnf("re-analysing '%s': its cached analysis is unreadable (%s)", meta.id(), unreadable.getMessage());
            }
        }
        OnnxModel model = OnnxModel.read(file, config.maxModelBytes());
        GraphInput input = model.graph().inputs().stream()
                .filter(i -> meta.inputName().isEmpty() || i.name().equals(meta.inputName()))
                .findFirst()
                .orElseThrow(() -> new IOException("its graph has no input named '" + meta.inputName() + "'"));
        Map<String, List<Long>> shapes = shapeInference.shapes(model, input, meta.preprocessing().inputSize(),
                "NHWC".equals(meta.preprocessing().layout()));
        LayerTable table = LayerTable.build(model.graph(), shapes, meta.namedLayers(), meta.numClasses(),
                config.featureLayers());
        Analysis analysis = new Analysis(model.opsetVersion(), input.name(), table);
        Files.createDirectories(cached.getParent());
        Path tmp = Files.createTempFile(cached.getParent(), key, ".tmp");
        json.writeValue(tmp.toFile(), analysis);
        Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return analysis;
    }

    private static Path inside(Path root, Path candidate, String field) throws IOException {
        Path p = candidate.toAbsolutePath().normalize();
        if (!p.startsWith(root)) {
            throw new IOException("its " + field + " points outside the models directory");
        }
        return p;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What is cached per model file: the part of loading that needs ONNX Runtime. */
    record Analysis(long opset, String inputName, LayerTable table) {
    }
}
