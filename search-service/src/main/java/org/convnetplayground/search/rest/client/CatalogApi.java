package org.convnetplayground.search.rest.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The model-catalog-service endpoint the search-service reads: which models and feature layers a leaderboard covers. */
@RegisterRestClient(configKey = "catalog")
@Path("/api/catalog/models")
public interface CatalogApi {

    @GET
    List<CatalogModel> models();

    /** The parts of a model the leaderboard needs. */
    record CatalogModel(String id, String family, long parameters, long flops, List<String> featureLayers,
                        String embeddingLayer) {
    }
}
