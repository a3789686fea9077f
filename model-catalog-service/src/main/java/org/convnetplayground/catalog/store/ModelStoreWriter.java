package org.convnetplayground.catalog.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.convnetplayground.catalog.config.CatalogConfig;
import org.convnetplayground.catalog.graph.Layer;
import org.convnetplayground.catalog.onnx.NonFiniteOutputException;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.TooLargeException;
import org.convnetplayground.errors.UnavailableException;
import org.convnetplayground.files.FileTrees;
import org.convnetplayground.onnx.graph.GraphNode;
import org.convnetplayground.onnx.graph.InvalidModelException;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.jboss.logging.Logger;

/**
 * Adds models to the catalog's own store and deletes them: the one class that writes model folders.
 *
 * <p>Writes are atomic: a new model is staged in a temporary folder inside the store, checked completely (ONNX
 * parse, one image input, ONNX Runtime load, layer table, feature layers), given its final {@code model.json}, and
 * only then renamed into place. A failed import deletes its stage; a deletion renames the folder away before
 * removing it. Leftovers of a crash are cleared at start-up, before the store is first scanned.
 */
@ApplicationScoped
public class ModelStoreWriter {

    private static final Logger LOG = Logger.getLogger(ModelStoreWriter.class);
    private static final String STAGE_PREFIX = ".stage-";
    private static final String TRASH_PREFIX = ".trash-";
    static final String ONNX_FILE = "model.onnx";
    static final String LABELS_FILE = "labels.txt";
    /** The ImageNet labels shipped beside the shared models, which metadata can name instead of sending them. */
    static final String IMAGENET_LABELS = "imagenet_labels.txt";

    private final CatalogConfig config;
    private final ModelStore store;
    private final ModelLoader loader;
    private final AnalysisCache analyses;
    private final ObjectMapper json;
    private final Semaphore importSlots;

    @Inject
    public ModelStoreWriter(CatalogConfig config, ModelStore store, ModelLoader loader, AnalysisCache analyses,
                            ObjectMapper json) {
        this.config = config;
        this.store = store;
        this.loader = loader;
        this.analyses = analyses;
        this.json = json;
        this.importSlots = new Semaphore(Math.max(1, config.analysisThreads()), true);
    }

    /** Runs before the store's first scan (which observes the same event at the default priority). */
    void onStart(@Observes @Priority(1000) StartupEvent event) {
        removeLeftovers(store.storeDir());
    }

    /**
     * Parses the metadata sent with a model (the model.json form).
     *
     * @throws InvalidInputException naming what is wrong when it is not a JSON object
     */
    public static ObjectNode parseMetadata(String text) {
        return ImportCheck.parse(text);
    }

    /** A safe model id (it names a folder), or an invalid-input failure naming {@code field}. */
    public static String checkId(String field, String id) {
        return ImportCheck.checkId(field, id);
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
     * @throws InvalidInputException      for a bad file or metadata
     * @throws ModelIdTakenException      for a taken id
     * @throws TooLargeException          for a file over the limit
     * @throws StoreNotWritableException  when the store cannot be written
     */
    public CatalogModel add(Path file, ObjectNode metadata, List<String> labels, String origin,
                            Map<String, Object> provenance) {
        ImportCheck.Stated stated = ImportCheck.fields(metadata);
        String id = stated.id();
        store.reserve(id);
        Path stage = null;
        boolean slot = false;
        try {
            long size = checkSize(file);
            List<String> finalLabels = labels(stated, labels);
            importSlots.acquire();
            slot = true;
            stage = Files.createDirectory(store.storeDir().resolve(STAGE_PREFIX + UUID.randomUUID()));
            CatalogModel staged = stage(file, stage, stated, metadata, finalLabels, origin, provenance, size);
            Path target = store.storeDir().resolve(id);
            Path from = stage;
            CatalogModel added = store.whileLocked(() -> {
                Files.move(from, target, StandardCopyOption.ATOMIC_MOVE);
                CatalogModel moved = staged.movedTo(target.resolve(ONNX_FILE));
                store.put(moved);
                return moved;
            });
            stage = null;
            LOG.infof("model '%s' added to the store (%s, %d bytes, %d parameters)", id, origin, size,
                    added.parameters());
            return added;
        } catch (IOException e) {
            LOG.errorf(e, "cannot add model '%s' to the store %s", id, store.storeDir());
            throw new StoreNotWritableException("cannot write model '" + id + "' to the model store " + store.storeDir()
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UnavailableException.of("interrupted while waiting to check model '" + id + "'");
        } finally {
            if (stage != null) {
                FileTrees.deleteTree(stage);
            }
            store.release(id);
            if (slot) {
                importSlots.release();
            }
        }
    }

    /**
     * Deletes a model of the store.
     *
     * @throws org.convnetplayground.errors.UnknownNameException for an unknown id
     * @throws ReadOnlyModelException     for a shared model
     * @throws StoreNotWritableException  when its folder cannot be moved away
     */
    public void delete(String id) {
        Path trash = store.storeDir().resolve(TRASH_PREFIX + UUID.randomUUID());
        CatalogModel model;
        try {
            model = store.whileLocked(() -> {
                CatalogModel found = store.require(id);
                if (found.readOnly()) {
                    throw new ReadOnlyModelException("model '" + id + "' is read-only: it is in the shared models "
                            + "folder " + store.modelsDir() + ", which the catalog never changes; only imported or "
                            + "downloaded models can be deleted");
                }
                Files.move(store.storeDir().resolve(id), trash, StandardCopyOption.ATOMIC_MOVE);
                store.remove(id);
                return found;
            });
        } catch (IOException e) {
            throw new StoreNotWritableException("cannot delete model '" + id + "' from the model store "
                    + store.storeDir() + ": " + e.getMessage(), e);
        }
        try {
            analyses.forget(model.sha256(), Files.readAllBytes(trash.resolve("model.json")));
        } catch (IOException e) {
            LOG.debugf("no cached analysis removed for '%s': %s", id, e.getMessage());
        }
        FileTrees.deleteTree(trash);
        LOG.infof("model '%s' deleted from the store", id);
    }

    private long checkSize(Path file) throws IOException {
        long size = Files.size(file);
        if (size > config.maxImportBytes()) {
            throw new TooLargeException("Payload too large", "the model file is " + size + " bytes; the import limit is "
                    + config.maxImportBytes() + " bytes (cnp.catalog.max-import-bytes)",
                    DomainException.Details.of("model", size), null);
        }
        if (size == 0) {
            throw ImportCheck.problem("model", null, "not an ONNX model: the file is empty");
        }
        return size;
    }

    /**
     * Moves the file into the stage folder, checks it against the metadata, writes the completed model.json (and the
     * labels) beside it and analyses it there.
     *
     * @return the model as it will be served, still at its stage path
     */
    private CatalogModel stage(Path file, Path stage, ImportCheck.Stated stated, ObjectNode metadata,
                               List<String> labels, String origin, Map<String, Object> provenance, long size)
            throws IOException {
        Path onnx = stage.resolve(ONNX_FILE);
        move(file, onnx);
        OnnxModel model = parse(onnx);
        ObjectNode out = ImportCheck.againstGraph(stated, metadata, model);
        String sha = Sha256.of(onnx);
        if (stated.sha256() != null && !stated.sha256().equals(sha)) {
            throw InvalidInputException.invalid("metadata.sha256", stated.sha256(), "the file's sha256 " + sha
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
        if (!labels.isEmpty()) {
            output.put("labels_file", LABELS_FILE);
            Files.write(stage.resolve(LABELS_FILE), labels, StandardCharsets.UTF_8);
        }
        Map<String, Object> how = new LinkedHashMap<>();
        how.put("how", origin);
        how.put("at", Instant.now().toString());
        how.putAll(provenance);
        out.set("catalog_import", ImportCheck.provenance(how));
        json.writerWithDefaultPrettyPrinter().writeValue(stage.resolve("model.json").toFile(), out);

        CatalogModel staged = analyse(stage, stated.id(), origin, model);
        checkClasses(stated, staged);
        return staged;
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
            throw InvalidInputException.invalid("metadata.output.num_classes", n, "the number of classes the model "
                    + "outputs: no layer of its graph has " + n + " channels or outputs (its last layer's shape is "
                    + last + "); use 0 for a model without a classifier");
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
                throw InvalidInputException.invalid("metadata.output.labels_file", stated.labelsFile(), "'"
                        + IMAGENET_LABELS + "' for the catalog's ImageNet labels; send other labels as the multipart "
                        + "part 'labels' (one per line) or as metadata.output.labels");
            }
            Path imagenet = store.modelsDir().resolve(IMAGENET_LABELS);
            if (!Files.isRegularFile(imagenet)) {
                throw InvalidInputException.invalid("metadata.output.labels_file", stated.labelsFile(), "labels sent "
                        + "with the model: the catalog has no ImageNet labels (" + imagenet + " is missing)");
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
            throw InvalidInputException.invalid("metadata.output.num_classes", 0, "the number of classes ("
                    + labels.size() + " labels are given in " + source + "), or no labels for a model without a "
                    + "classifier");
        }
        if (labels.size() != stated.numClasses()) {
            throw InvalidInputException.invalid("labels", labels.size() + " labels in " + source, stated.numClasses()
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
            return loader.load(store.storeDir(), stage, id, origin, model);
        } catch (DomainException e) {
            throw e;
        } catch (NonFiniteOutputException e) {
            throw ImportCheck.problem("model", e.layer(), e.getMessage());
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
                FileTrees.deleteTree(p);
            });
        } catch (IOException e) {
            LOG.warnf("cannot list the model store %s: %s", store, e.getMessage());
        }
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
}
