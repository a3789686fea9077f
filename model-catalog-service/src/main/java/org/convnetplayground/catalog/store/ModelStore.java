package org.convnetplayground.catalog.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.convnetplayground.catalog.config.CatalogConfig;
import org.convnetplayground.catalog.graph.Layer;
import org.convnetplayground.catalog.graph.LayerTable;
import org.convnetplayground.catalog.onnx.OrtShapeInference;
import org.convnetplayground.onnx.graph.GraphInput;
import org.convnetplayground.onnx.graph.GraphNode;
import org.convnetplayground.onnx.graph.InvalidModelException;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.jboss.logging.Logger;

/**
 * The model store, the one class that reads and writes model folders. It serves two roots together, in one
 * complexity order and with ids unique across both: the shared models folder, which it only reads, and its own
 * writable store, where imported and downloaded models go. At start-up every model is checked against its declared
 * checksum and its graph analysed (cached on disk by checksum, so restarts are quick); models that fail a check are
 * left out and reported by the health check, never served half-valid.
 *
 * <p>Writes are atomic: a new model is staged in a temporary folder inside the store, checked completely (ONNX
 * parse, one image input, ONNX Runtime load, layer table, feature layers), given its final {@code model.json}, and
 * only then renamed into place. A failed import deletes its stage; a deletion renames the folder away before
 * removing it. Leftovers of a crash are cleared at start-up.
 */
@ApplicationScoped
public class ModelStore {

    private static final Logger LOG = Logger.getLogger(ModelStore.class);
    /** Bump when the analysis format or the feature-layer rule changes, to invalidate cached analyses. */
    private static final String ANALYSIS_VERSION = "4";
    private static final String STAGE_PREFIX = ".stage-";
    private static final String TRASH_PREFIX = ".trash-";
    static final String ONNX_FILE = "model.onnx";
    static final String LABELS_FILE = "labels.txt";
    /** The ImageNet labels shipped beside the shared models, which metadata can name instead of sending them. */
    static final String IMAGENET_LABELS = "imagenet_labels.txt";

    private final CatalogConfig config;
    private final OrtShapeInference shapeInference;
    private final ObjectMapper json;
    private final Semaphore importSlots;
    /** Ids being imported right now, so two imports of one id cannot race. Guarded by {@code this}. */
    private final Set<String> reserved = new HashSet<>();

    private volatile Map<String, CatalogModel> models = Map.of();
    private volatile Map<String, String> rejected = Map.of();
    private volatile boolean loaded;

    @Inject
    public ModelStore(CatalogConfig config, OrtShapeInference shapeInference, ObjectMapper json) {
        this.config = config;
        this.shapeInference = shapeInference;
        this.json = json;
        this.importSlots = new Semaphore(Math.max(1, config.analysisThreads()), true);
    }

    void onStart(@Observes StartupEvent event) {
        removeLeftovers(storeDir());
        refresh();
    }

    /** Re-reads the shared models folder and the store. */
    public synchronized void refresh() {
        Path shared = modelsDir();
        Path store = storeDir();
        prepareStore(store);
        Map<String, String> failures = new TreeMap<>();
        List<Folder> folders = new ArrayList<>();
        if (Files.isDirectory(shared)) {
            folders.addAll(folders(shared, true));
        } else {
            LOG.errorf("the models directory %s does not exist", shared);
        }
        if (Files.isDirectory(store)) {
            folders.addAll(folders(store, false));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, config.analysisThreads()));
        try {
            Map<Folder, Future<CatalogModel>> pending = new LinkedHashMap<>();
            for (Folder f : folders) {
                pending.put(f, pool.submit(() -> load(f.root(), f.dir(), f.id(), f.shared() ? CatalogModel.SHARED
                        : originOf(f.dir()), null)));
            }
            List<CatalogModel> ok = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (Map.Entry<Folder, Future<CatalogModel>> e : pending.entrySet()) {
                Folder f = e.getKey();
                try {
                    CatalogModel m = e.getValue().get();
                    if (!ids.add(m.id().toLowerCase(Locale.ROOT))) {
                        failures.put(f.key(), "its id is also the id of a shared model, which is served instead");
                        LOG.warnf("model '%s' in the store left out: a shared model has the same id", f.id());
                        continue;
                    }
                    ok.add(m);
                } catch (ExecutionException failure) {
                    String why = failure.getCause().getMessage();
                    failures.put(f.key(), why);
                    LOG.warnf("model '%s' left out of the catalog: %s", f.key(), why);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            models = ordered(ok);
            rejected = failures;
            loaded = true;
            LOG.infof("model store: %d models (%s shared, %s own store), %d rejected", models.size(), shared, store,
                    failures.size());
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

    /** Folders that hold a model.json but failed a check, with the reason; store folders as {@code store/<id>}. */
    public Map<String, String> rejected() {
        return rejected;
    }

    public boolean isLoaded() {
        return loaded;
    }

    /** The shared models folder (read-only). */
    public Path modelsDir() {
        return config.modelsDir().toAbsolutePath().normalize();
    }

    /** The catalog's own, writable store. */
    public Path storeDir() {
        return config.storeDir().toAbsolutePath().normalize();
    }

    /** Whether new models can be written to the store. */
    public boolean isStoreWritable() {
        Path store = storeDir();
        return Files.isDirectory(store) && Files.isWritable(store);
    }

    /** The largest ONNX file that may be imported, in bytes. */
    public long maxImportBytes() {
        return config.maxImportBytes();
    }

    /**
     * Parses the metadata sent with a model (the model.json form).
     *
     * @throws ProblemException 400 naming what is wrong when it is not a JSON object
     */
    public static ObjectNode parseMetadata(String text) {
        return ImportCheck.parse(text);
    }

    /**
     * A safe model id (it names a folder), or a 400 naming {@code field}.
     */
    public static String checkId(String field, String id) {
        return ImportCheck.checkId(field, id);
    }

    /**
     * Checks the metadata of a model about to be fetched: its fields on their own, and that its id is free.
     *
     * @return the new model's id
     */
    public String checkNew(ObjectNode metadata) {
        String id = ImportCheck.fields(metadata).id();
        synchronized (this) {
            checkFree(id);
        }
        return id;
    }

    /**
     * Adds a model to the store. The file is moved into a stage folder inside the store, checked and analysed there,
     * and renamed into place with its model.json; on any failure the stage is deleted and the store is unchanged.
     *
     * @param file       the ONNX file; it is moved (not copied) into the store
     * @param metadata   the model.json form; its {@code name} is the new model's id
     * @param labels     class names sent beside the metadata, or null
     * @param origin     {@link CatalogModel#UPLOAD} or {@link CatalogModel#DOWNLOAD}
     * @param provenance how it came (URL, file name), written to model.json as {@code catalog_import}
     * @return the new model, as the catalog now serves it
     * @throws ProblemException 400 for a bad file or metadata, 409 for a taken id, 413 for a file over the limit,
     *                          503 when the store cannot be written
     */
    public CatalogModel add(Path file, ObjectNode metadata, List<String> labels, String origin,
                            Map<String, Object> provenance) {
        ImportCheck.Stated stated = ImportCheck.fields(metadata);
        String id = stated.id();
        reserve(id);
        Path stage = null;
        boolean slot = false;
        try {
            long size = Files.size(file);
            if (size > config.maxImportBytes()) {
                throw tooLarge(size, config.maxImportBytes());
            }
            if (size == 0) {
                throw ImportCheck.problem("model", null, "not an ONNX model: the file is empty");
            }
            List<String> finalLabels = labels(stated, labels);
            importSlots.acquire();
            slot = true;
            stage = Files.createDirectory(storeDir().resolve(STAGE_PREFIX + UUID.randomUUID()));
            Path onnx = stage.resolve(ONNX_FILE);
            move(file, onnx);
            OnnxModel model = parse(onnx);
            ObjectNode out = ImportCheck.againstGraph(stated, metadata, model);
            String sha = sha256(onnx);
            if (stated.sha256() != null && !stated.sha256().equals(sha)) {
                throw ProblemException.invalid("metadata.sha256", stated.sha256(), "the file's sha256 " + sha
                        + " (or no sha256 at all)");
            }
            out.put("file", ONNX_FILE);
            out.put("sha256", sha);
            out.put("size_bytes", size);
            out.put("parameter_count", model.graph().nodes().stream().mapToLong(GraphNode::parameters).sum());
            out.put("onnx_opset", model.opsetVersion());
            out.put("onnx_ir_version", model.irVersion());
            ObjectNode output = out.has("output") && out.get("output").isObject()
                    ? (ObjectNode) out.get("output") : out.putObject("output");
            output.remove("labels");
            output.remove("labels_file");
            if (!finalLabels.isEmpty()) {
                output.put("labels_file", LABELS_FILE);
                Files.write(stage.resolve(LABELS_FILE), finalLabels, StandardCharsets.UTF_8);
            }
            Map<String, Object> how = new LinkedHashMap<>();
            how.put("how", origin);
            how.put("at", Instant.now().toString());
            how.putAll(provenance);
            out.set("catalog_import", ImportCheck.provenance(how));
            json.writerWithDefaultPrettyPrinter().writeValue(stage.resolve("model.json").toFile(), out);

            CatalogModel staged = analyse(stage, id, origin, model);
            checkClasses(stated, staged);
            synchronized (this) {
                Path target = storeDir().resolve(id);
                Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
                stage = null;
                CatalogModel added = staged.movedTo(target.resolve(ONNX_FILE));
                Map<String, CatalogModel> all = new LinkedHashMap<>(models);
                all.put(id, added);
                models = ordered(all.values());
                LOG.infof("model '%s' added to the store (%s, %d bytes, %d parameters)", id, origin, size,
                        added.parameters());
                return added;
            }
        } catch (IOException e) {
            LOG.errorf(e, "cannot add model '%s' to the store %s", id, storeDir());
            throw ProblemException.of(503, "Store not writable", "cannot write model '" + id + "' to the model store "
                    + storeDir() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("interrupted while waiting to check model '" + id + "'");
        } finally {
            if (stage != null) {
                deleteTree(stage);
            }
            release(id);
            if (slot) {
                importSlots.release();
            }
        }
    }

    /**
     * Deletes a model of the store.
     *
     * @throws ProblemException 404 for an unknown id, 409 for a shared (read-only) model
     */
    public void delete(String id) {
        Path trash;
        CatalogModel model;
        synchronized (this) {
            model = require(id);
            if (model.readOnly()) {
                throw ProblemException.conflict("model '" + id + "' is read-only: it is in the shared models folder "
                        + modelsDir() + ", which the catalog never changes; only imported or downloaded models can be "
                        + "deleted");
            }
            Path dir = storeDir().resolve(id);
            trash = storeDir().resolve(TRASH_PREFIX + UUID.randomUUID());
            try {
                Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw ProblemException.of(503, "Store not writable", "cannot delete model '" + id + "' from the model "
                        + "store " + storeDir() + ": " + e.getMessage());
            }
            Map<String, CatalogModel> all = new LinkedHashMap<>(models);
            all.remove(id);
            models = all;
        }
        try {
            Path cached = analysisCache(model.sha256(), Files.readAllBytes(trash.resolve("model.json")));
            Files.deleteIfExists(cached);
        } catch (IOException e) {
            LOG.debugf("no cached analysis removed for '%s': %s", id, e.getMessage());
        }
        deleteTree(trash);
        LOG.infof("model '%s' deleted from the store", id);
    }

    private void checkClasses(ImportCheck.Stated stated, CatalogModel model) {
        int n = stated.numClasses();
        if (n <= 0) {
            return;
        }
        boolean found = model.table().layers().stream().map(Layer::outputShape)
                .anyMatch(s -> s.size() >= 2 && (s.get(1) == n || s.get(s.size() - 1) == n));
        if (!found) {
            String last = model.table().layers().get(model.table().layers().size() - 1).outputShape().toString();
            throw ProblemException.invalid("metadata.output.num_classes", n, "the number of classes the model outputs: "
                    + "no layer of its graph has " + n + " channels or outputs (its last layer's shape is " + last
                    + "); use 0 for a model without a classifier");
        }
    }

    private List<String> labels(ImportCheck.Stated stated, List<String> sent) throws IOException {
        List<String> labels;
        String source;
        if (sent != null) {
            labels = sent.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
            source = "the labels part";
        } else if (stated.labels() != null) {
            labels = stated.labels();
            source = "metadata.output.labels";
        } else if (stated.labelsFile() != null) {
            String f = stated.labelsFile().replace('\\', '/');
            if (!f.substring(f.lastIndexOf('/') + 1).equals(IMAGENET_LABELS)) {
                throw ProblemException.invalid("metadata.output.labels_file", stated.labelsFile(), "'" + IMAGENET_LABELS
                        + "' for the catalog's ImageNet labels; send other labels as the multipart part 'labels' (one "
                        + "per line) or as metadata.output.labels");
            }
            Path imagenet = modelsDir().resolve(IMAGENET_LABELS);
            if (!Files.isRegularFile(imagenet)) {
                throw ProblemException.invalid("metadata.output.labels_file", stated.labelsFile(), "labels sent with "
                        + "the model: the catalog has no ImageNet labels (" + imagenet + " is missing)");
            }
            labels = Files.readAllLines(imagenet, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            source = IMAGENET_LABELS;
        } else {
            return List.of();
        }
        if (labels.isEmpty()) {
            return List.of();
        }
        if (stated.numClasses() == 0) {
            throw ProblemException.invalid("metadata.output.num_classes", 0, "the number of classes (" + labels.size()
                    + " labels are given in " + source + "), or no labels for a model without a classifier");
        }
        if (labels.size() != stated.numClasses()) {
            throw ProblemException.invalid("labels", labels.size() + " labels in " + source, stated.numClasses()
                    + " labels, one per class (metadata.output.num_classes)");
        }
        return labels;
    }

    private OnnxModel parse(Path onnx) throws IOException {
        try {
            return OnnxModel.read(onnx, config.maxImportBytes());
        } catch (InvalidModelException e) {
            throw ImportCheck.problem("model", null, e.getMessage());
        } catch (RuntimeException e) {
            throw ImportCheck.problem("model", null, "not an ONNX model: the file is not a valid ONNX protobuf");
        }
    }

    /** Loads the staged model: ONNX Runtime, shapes, layer table and feature layers; failures are the model's. */
    private CatalogModel analyse(Path stage, String id, String origin, OnnxModel model) throws IOException {
        try {
            return load(storeDir(), stage, id, origin, model);
        } catch (ProblemException e) {
            throw e;
        } catch (InvalidModelException e) {
            throw ImportCheck.problem("model", null, e.getMessage());
        } catch (IllegalArgumentException e) {
            String why = String.valueOf(e.getMessage()).replaceFirst("^model\\.json of '[^']*': ", "");
            throw ImportCheck.problem("metadata", null, "invalid metadata: " + why);
        } catch (RuntimeException e) {
            LOG.warnf(e, "model '%s' could not be analysed", id);
            throw ImportCheck.problem("model", null, "the model's graph cannot be analysed: " + e.getMessage());
        }
    }

    private void reserve(String id) {
        synchronized (this) {
            checkFree(id);
            if (!isStoreWritable()) {
                throw ProblemException.of(503, "Store not writable", "the model store " + storeDir()
                        + " is not writable; models cannot be imported (see /q/health/ready)");
            }
            reserved.add(id.toLowerCase(Locale.ROOT));
        }
    }

    private synchronized void release(String id) {
        reserved.remove(id.toLowerCase(Locale.ROOT));
    }

    /** 409 when the id is taken by a served model, an import in progress or a folder of the store. Holds the lock. */
    private void checkFree(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        for (CatalogModel m : models.values()) {
            if (m.id().toLowerCase(Locale.ROOT).equals(lower)) {
                throw ProblemException.conflict("model id '" + id + "' is taken: the catalog already has "
                        + (m.readOnly() ? "a shared model" : "a model") + " '" + m.id() + "'; choose another name, or "
                        + (m.readOnly() ? "keep the shared one" : "delete it first (DELETE /api/catalog/models/" + m.id() + ")"));
            }
        }
        if (reserved.contains(lower)) {
            throw ProblemException.conflict("model id '" + id + "' is taken: a model of that id is being imported now");
        }
        if (Files.exists(storeDir().resolve(id)) || Files.exists(modelsDir().resolve(id))) {
            throw ProblemException.conflict("model id '" + id + "' is taken: a folder of that name exists in the model "
                    + "store but holds no valid model (see /q/health/ready)");
        }
    }

    private static ProblemException tooLarge(long size, long limit) {
        return new ProblemException(new Problem("about:blank", "Payload too large", 413, "the model file is " + size
                + " bytes; the import limit is " + limit + " bytes (cnp.catalog.max-import-bytes)", null, "model",
                Long.toString(size), null, null));
    }

    private static void prepareStore(Path store) {
        try {
            Files.createDirectories(store);
        } catch (IOException e) {
            LOG.warnf("the model store %s cannot be created (%s); imports and downloads are disabled", store,
                    e.getMessage());
        }
    }

    /** Stages and trash of an import or deletion that a crash interrupted; only safe before any import starts. */
    private static void removeLeftovers(Path store) {
        if (!Files.isDirectory(store)) {
            return;
        }
        try (Stream<Path> list = Files.list(store)) {
            list.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(STAGE_PREFIX) || n.startsWith(TRASH_PREFIX);
            }).forEach(p -> {
                LOG.infof("removing the leftover %s of an interrupted import or deletion", p);
                deleteTree(p);
            });
        } catch (IOException e) {
            LOG.warnf("cannot list the model store %s: %s", store, e.getMessage());
        }
    }

    private record Folder(Path root, Path dir, boolean shared) {
        String id() {
            return dir.getFileName().toString();
        }

        String key() {
            return shared ? id() : "store/" + id();
        }
    }

    private static List<Folder> folders(Path root, boolean shared) {
        List<Folder> out = new ArrayList<>();
        try (Stream<Path> list = Files.list(root)) {
            list.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p.resolve("model.json"))).sorted()
                    .forEach(p -> out.add(new Folder(root, p, shared)));
        } catch (IOException e) {
            LOG.errorf("cannot list %s: %s", root, e.getMessage());
        }
        return out;
    }

    private String originOf(Path dir) {
        try {
            String how = json.readTree(dir.resolve("model.json").toFile()).path("catalog_import").path("how").asText("");
            return CatalogModel.DOWNLOAD.equals(how) ? CatalogModel.DOWNLOAD : CatalogModel.UPLOAD;
        } catch (IOException e) {
            return CatalogModel.UPLOAD;
        }
    }

    private static Map<String, CatalogModel> ordered(Collection<CatalogModel> all) {
        List<CatalogModel> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingLong(CatalogModel::parameters)
                .thenComparingInt(CatalogModel::layerCount)
                .thenComparing(CatalogModel::id));
        Map<String, CatalogModel> out = new LinkedHashMap<>();
        sorted.forEach(m -> out.put(m.id(), m));
        return out;
    }

    /**
     * @param parsed the already parsed model, or null to read it when the analysis is not cached
     */
    private CatalogModel load(Path root, Path dir, String id, String origin, OnnxModel parsed) throws IOException {
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
        Analysis analysis = analysis(meta, file, sha, metadataBytes, parsed);
        if (meta.declaredParameters() != null && meta.declaredParameters() != analysis.table().parameters()) {
            LOG.warnf("model '%s': model.json declares %d parameters, the graph has %d", id,
                    meta.declaredParameters(), analysis.table().parameters());
        }
        return new CatalogModel(meta, file, sha, size, analysis.opset(), analysis.inputName(), analysis.table(), labels,
                origin);
    }

    private Path analysisCache(String sha, byte[] metadataBytes) {
        String key = sha256(ANALYSIS_VERSION + "|" + sha + "|" + config.featureLayers() + "|"
                + new String(metadataBytes, StandardCharsets.UTF_8));
        return config.dataDir().resolve("analysis").resolve(key + ".json");
    }

    /** The graph analysis, from the on-disk cache when the file and its metadata are unchanged. */
    private Analysis analysis(ModelMetadata meta, Path file, String sha, byte[] metadataBytes, OnnxModel parsed)
            throws IOException {
        Path cached = analysisCache(sha, metadataBytes);
        if (Files.isRegularFile(cached)) {
            try {
                return json.readValue(cached.toFile(), Analysis.class);
            } catch (IOException unreadable) {
                LOG.warnf("re-analysing '%s': its cached analysis is unreadable (%s)", meta.id(), unreadable.getMessage());
            }
        }
        OnnxModel model = parsed != null ? parsed : OnnxModel.read(file, config.maxModelBytes());
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
        Path tmp = Files.createTempFile(cached.getParent(), cached.getFileName().toString(), ".tmp");
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

    /** Moves a file, by rename when source and target share a file system, else by copy and delete. */
    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(from);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warnf("cannot remove %s: %s", root, e.getMessage());
        }
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

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
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
