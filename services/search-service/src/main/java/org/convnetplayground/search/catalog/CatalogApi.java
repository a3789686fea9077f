package org.convnetplayground.search.catalog;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The model-catalog-service endpoints the search-service reads: which models and feature layers a leaderboard covers,
 * and which file a model id stands for now (so collections of a deleted or replaced model are not served).
 */
@RegisterRestClient(configKey = "catalog")
@Path("/api/catalog/models")
public interface CatalogApi {

    @GET
    List<CatalogModel> models();

    @GET
    @Path("/{id}")
    ModelFile model(@PathParam("id") String id);

    /** A model's id and the checksum of its ONNX file. */
    record ModelFile(String id, String sha256) {
    }

    /** The parts of a model the leaderboard needs. */
    record CatalogModel(String id, String family, long parameters, long flops, List<String> featureLayers,
                        String embeddingLayer) {
    }
}
