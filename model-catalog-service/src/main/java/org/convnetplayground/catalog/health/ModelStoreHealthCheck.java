package org.convnetplayground.catalog.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.convnetplayground.catalog.store.ModelStore;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the shared models folder is readable and the store has been loaded; reports as data whether the
 * catalog's own store can be written (imports and downloads need it; serving does not) and the rejected models.
 */
@Readiness
@ApplicationScoped
public class ModelStoreHealthCheck implements HealthCheck {

    @Inject
    ModelStore store;

    @Override
    public HealthCheckResponse call() {
        Path dir = store.modelsDir();
        boolean readable = Files.isDirectory(dir) && Files.isReadable(dir);
        long own = store.list().stream().filter(m -> !m.readOnly()).count();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("model-store")
                .status(readable && store.isLoaded())
                .withData("modelsDir", dir.toString())
                .withData("readable", readable)
                .withData("models", store.list().size())
                .withData("storeDir", store.storeDir().toString())
                .withData("storeWritable", store.isStoreWritable())
                .withData("storeModels", own);
        store.rejected().forEach((id, why) -> b.withData("rejected." + id, why));
        return b.build();
    }
}
