package org.convnetplayground.features.rest.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import org.convnetplayground.features.model.ModelCatalog.CatalogLayer;
import org.convnetplayground.features.model.ModelCatalog.CatalogModel;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The model-catalog-service endpoints this service reads. */
@RegisterRestClient(configKey = "catalog")
@Path("/api/catalog/models")
public interface CatalogApi {

    @GET
    List<CatalogModel> list();

    @GET
    @Path("/{id}")
    CatalogModel get(@PathParam("id") String id);

    @GET
    @Path("/{id}/layers")
    List<CatalogLayer> layers(@PathParam("id") String id);

    @GET
    @Path("/{id}/labels")
    List<String> labels(@PathParam("id") String id);
}
