package org.convnetplayground.catalog.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.convnetplayground.catalog.config.CatalogConfig;
import org.convnetplayground.errors.UnknownNameException;
import org.jboss.logging.Logger;

/**
 * The models the catalog serves, from two roots together, in one complexity order and with ids unique across both:
 * the shared models folder, which it only reads, and its own writable store, where imported and downloaded models go.
 * At start-up (and on {@link #refresh()}) both are scanned by {@link StoreScan}; models that fail a check are left
 * out and reported by the health check, never served half-valid. {@link ModelStoreWriter} adds and deletes models.
 *
 * <p>The served set is an immutable snapshot, so reads take no lock. The store's lock guards the ids and folders:
 * a scan, an id reservation and a change of the store's folders never overlap.
 */
@ApplicationScoped
public class ModelStore {

    private static final Logger LOG = Logger.getLogger(ModelStore.class);

    private final CatalogConfig config;
    private final StoreScan scan;
    /** Ids being imported right now, so two imports of one id cannot race. Guarded by {@code this}. */
    private final Set<String> reserved = new HashSet<>();

    private volatile Map<String, CatalogModel> models = Map.of();
    private volatile Map<String, String> rejected = Map.of();
    private volatile boolean loaded;

    @Inject
    public ModelStore(CatalogConfig config, StoreScan scan) {
        this.config = config;
        this.scan = scan;
    }

    void onStart(@Observes StartupEvent event) {
        refresh();
    }

    /** Re-reads the shared models folder and the store. */
    public synchronized void refresh() {
        Path shared = modelsDir();
        Path store = storeDir();
        prepareStore(store);
        StoreScan.Result result;
        try {
            result = scan.scan(shared, store);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
        }
        models = ordered(result.models());
        rejected = result.rejected();
        loaded = true;
        LOG.infof("model store: %d models (%s shared, %s own store), %d rejected", models.size(), shared, store,
                rejected.size());
    }

    /** Models in order of complexity: parameters, then layer count. */
    public List<CatalogModel> list() {
        return List.copyOf(models.values());
    }

    public Optional<CatalogModel> find(String id) {
        return Optional.ofNullable(models.get(id));
    }

    /** The model, or an unknown-name failure naming the models there are. */
    public CatalogModel require(String id) {
        CatalogModel model = models.get(id);
        if (model == null) {
            throw UnknownNameException.unknown("model", id, null, models.keySet(), "/api/catalog/models");
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
     * Checks the metadata of a model about to be fetched: its fields on their own, and that its id is free.
     *
     * @return the new model's id
     * @throws ModelIdTakenException when the id is taken
     */
    public String checkNew(ObjectNode metadata) {
        String id = ImportCheck.fields(metadata).id();
        synchronized (this) {
            checkFree(id);
        }
        return id;
    }

    /** A step of a change to the store's folders, run holding the store's lock. */
    interface FolderChange<T> {
        T run() throws IOException;
    }

    /** Runs {@code change} while no scan, reservation or other change runs. */
    synchronized <T> T whileLocked(FolderChange<T> change) throws IOException {
        return change.run();
    }

    /** Takes an id for a model being added, until {@link #release}; refuses a taken id or a store that cannot be written. */
    synchronized void reserve(String id) {
        checkFree(id);
        if (!isStoreWritable()) {
            throw new StoreNotWritableException("the model store " + storeDir()
                    + " is not writable; models cannot be imported (see /q/health/ready)", null);
        }
        reserved.add(id.toLowerCase(Locale.ROOT));
    }

    synchronized void release(String id) {
        reserved.remove(id.toLowerCase(Locale.ROOT));
    }

    /** Serves a model just moved into the store. */
    synchronized void put(CatalogModel model) {
        Map<String, CatalogModel> all = new LinkedHashMap<>(models);
        all.put(model.id(), model);
        models = ordered(all.values());
    }

    /** Stops serving a model. */
    synchronized void remove(String id) {
        Map<String, CatalogModel> all = new LinkedHashMap<>(models);
        all.remove(id);
        models = all;
    }

    /** Refuses an id taken by a served model, an import in progress or a folder of either root. Holds the lock. */
    private void checkFree(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        for (CatalogModel m : models.values()) {
            if (m.id().toLowerCase(Locale.ROOT).equals(lower)) {
                throw new ModelIdTakenException("model id '" + id + "' is taken: the catalog already has "
                        + (m.readOnly() ? "a shared model" : "a model") + " '" + m.id() + "'; choose another name, or "
                        + (m.readOnly() ? "keep the shared one" : "delete it first (DELETE /api/catalog/models/" + m.id() + ")"));
            }
        }
        if (reserved.contains(lower)) {
            throw new ModelIdTakenException("model id '" + id + "' is taken: a model of that id is being imported now");
        }
        if (Files.exists(storeDir().resolve(id)) || Files.exists(modelsDir().resolve(id))) {
            throw new ModelIdTakenException("model id '" + id + "' is taken: a folder of that name exists in the model "
                    + "store but holds no valid model (see /q/health/ready)");
        }
    }

    private static void prepareStore(Path store) {
        try {
            Files.createDirectories(store);
        } catch (IOException e) {
            LOG.warnf("the model store %s cannot be created (%s); imports and downloads are disabled", store,
                    e.getMessage());
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
}
