package org.convnetplayground.search.build;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.convnetplayground.problem.UpstreamProblems;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionStore;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.rest.client.ModelFileApi;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Collections as long as the model that computed them is still the catalog's: a model deleted from the catalog takes
 * its collections along, and one imported again under the same id with another file makes them stale (they are dropped
 * and built again on the next query). The catalog is asked at most every few seconds per model, and while it cannot be
 * reached (or is slow: 2 s at most, then it is not asked again for a few seconds) stored collections keep
 * answering.
 */
@ApplicationScoped
public class ModelVersions {

    private static final Logger LOG = Logger.getLogger(ModelVersions.class);

    private final ModelFileApi catalog;
    private final UpstreamProblems calls;
    private final CollectionStore store;
    private final RecentLookups shas = new RecentLookups();

    @Inject
    public ModelVersions(@RestClient ModelFileApi catalog,
                         @ConfigProperty(name = "quarkus.rest-client.catalog.url") String catalogUrl,
                         CollectionStore store) {
        this.catalog = catalog;
        this.calls = new UpstreamProblems("model-catalog-service", catalogUrl);
        this.store = store;
    }

    /**
     * The stored collection of {@code key} if its model file is still the catalog's; empty when there is none or it
     * was dropped as stale.
     *
     * @throws org.convnetplayground.errors.UnknownNameException the catalog's "unknown model" when the model is gone
     *                                                             (its collections are deleted)
     */
    public Optional<VectorCollection> current(CollectionKey key) {
        Optional<VectorCollection> found = store.find(key);
        if (found.isEmpty() || found.get().meta().isImported()) {
            // imported vectors were not computed by a model of the catalog
            return found;
        }
        String sha = currentSha(key.model());
        String built = found.get().meta().modelSha256();
        if (sha == null || built == null || built.isEmpty() || sha.equalsIgnoreCase(built)) {
            return found;
        }
        store.delete(key);
        LOG.infof("collection %s was computed by another file of model %s; dropped to be built again", key, key.model());
        return Optional.empty();
    }

    /** The model's file checksum, null when the catalog cannot say now. */
    private String currentSha(String model) {
        return shas.get(model, () -> calls.call(() -> catalog.model(model)).sha256(), () -> {
            store.list().stream().filter(m -> m.key().model().equals(model)).forEach(m -> store.delete(m.key()));
            LOG.infof("model %s is gone from the catalog; its collections were deleted", model);
        });
    }
}
