package org.convnetplayground.catalog.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.convnetplayground.catalog.config.CatalogConfig;
import org.jboss.logging.Logger;

/**
 * Finds the models of the shared folder and of the store and loads them, several at a time: every folder holding a
 * model.json (hidden ones - stages, trash - are skipped). A folder that fails a check is left out with the reason, and
 * so is a store model whose id a shared model already has (ids compare without case).
 */
@ApplicationScoped
class StoreScan {

    private static final Logger LOG = Logger.getLogger(StoreScan.class);

    /**
     * @param models   the models that passed every check, shared ones first
     * @param rejected the folders left out, as {@code <id>} (shared) or {@code store/<id>}, with the reason
     */
    record Result(List<CatalogModel> models, Map<String, String> rejected) {
    }

    private final CatalogConfig config;
    private final ModelLoader loader;

    @Inject
    StoreScan(CatalogConfig config, ModelLoader loader) {
        this.config = config;
        this.loader = loader;
    }

    Result scan(Path shared, Path store) throws InterruptedException {
        List<Folder> folders = new ArrayList<>();
        if (Files.isDirectory(shared)) {
            folders.addAll(folders(shared, true));
        } else {
            LOG.errorf("the models directory %s does not exist", shared);
        }
        if (Files.isDirectory(store)) {
            folders.addAll(folders(store, false));
        }
        Map<String, String> rejected = new TreeMap<>();
        List<CatalogModel> ok = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, config.analysisThreads()));
        try {
            Map<Folder, Future<CatalogModel>> pending = new LinkedHashMap<>();
            for (Folder f : folders) {
                pending.put(f, pool.submit(() -> loader.load(f.root(), f.dir(), f.id(),
                        f.shared() ? CatalogModel.SHARED : loader.originOf(f.dir()), null)));
            }
            Set<String> ids = new HashSet<>();
            for (Map.Entry<Folder, Future<CatalogModel>> e : pending.entrySet()) {
                Folder f = e.getKey();
                try {
                    CatalogModel m = e.getValue().get();
                    if (!ids.add(m.id().toLowerCase(Locale.ROOT))) {
                        rejected.put(f.key(), "its id is also the id of a shared model, which is served instead");
                        LOG.warnf("model '%s' in the store left out: a shared model has the same id", f.id());
                        continue;
                    }
                    ok.add(m);
                } catch (ExecutionException failure) {
                    String why = failure.getCause().getMessage();
                    rejected.put(f.key(), why);
                    LOG.warnf("model '%s' left out of the catalog: %s", f.key(), why);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(ok, rejected);
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
}
