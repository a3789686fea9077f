package org.convnetplayground.search.rest.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Which file a model id stands for now, so that collections of a deleted or replaced model are not served. Asked on
 * the query path, so it has its own short timeouts (quarkus.rest-client.catalog-check.*).
 */
@RegisterRestClient(configKey = "catalog-check")
@Path("/api/catalog/models")
public interface ModelFileApi {

    @GET
    @Path("/{id}")
    ModelFile model(@PathParam("id") String id);

    /** A model's id and the checksum of its ONNX file. */
    record ModelFile(String id, String sha256) {
    }
}
