package org.convnetplayground.catalog.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.convnetplayground.catalog.store.ModelStore;
import org.convnetplayground.problem.BodyLimitProblems;
import org.convnetplayground.problem.Problem;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Refuses a model upload whose declared Content-Length already exceeds the import limit before a byte of it is read,
 * with a 413 problem naming the limit. Uploads without a declared length are streamed to disk and measured by the
 * store; the HTTP layer's own limit (quarkus.http.limits.max-body-size) caps what may reach the disk.
 */
@ApplicationScoped
public class ImportBodyLimit {

    private static final Logger LOG = Logger.getLogger(ImportBodyLimit.class);
    /** Room for the metadata and labels parts and the multipart framing. */
    static final long ALLOWANCE = ModelResource.MAX_METADATA_BYTES + ModelResource.MAX_LABELS_BYTES + (64 << 10);

    @Inject
    ModelStore store;

    @ConfigProperty(name = "quarkus.rest.path", defaultValue = "/")
    String restPath;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    void install(@Observes Router router) {
        long limit = store.maxImportBytes();
        long body = maxBodySize.map(MemorySize::asLongValue).orElse(10L << 20);
        if (body < limit + ALLOWANCE) {
            LOG.warnf("quarkus.http.limits.max-body-size (%d bytes) is below cnp.catalog.max-import-bytes (%d) plus room "
                    + "for the metadata: uploads near the import limit will be refused by the HTTP layer", body, limit);
        }
        String path = (restPath.endsWith("/") ? restPath.substring(0, restPath.length() - 1) : restPath) + "/models";
        BodyLimitProblems.refuseDeclaredLengthOver(router.post(path).order(BodyLimitProblems.ENDPOINT_ORDER), limit + ALLOWANCE,
                length -> new Problem("about:blank", "Payload too large", 413, "the upload is " + length
                        + " bytes; the import limit is " + limit + " bytes for the model file "
                        + "(cnp.catalog.max-import-bytes)", null, "model", Long.toString(length), null, null));
    }
}
