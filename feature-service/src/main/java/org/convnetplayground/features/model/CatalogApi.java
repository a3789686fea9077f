package org.convnetplayground.features.model;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
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

    /** The parts of the catalog's model description the feature-service uses. */
    record CatalogModel(String id, String sha256, long sizeBytes, List<Integer> inputSize, String inputName,
                        boolean hasClassifier,
                        int numClasses, String outputLayer, String embeddingLayer, List<String> featureLayers,
                        CatalogPreprocessing preprocessing) {
    }

    record CatalogPreprocessing(List<Integer> inputSize, String layout, String channelOrder, List<Double> mean,
                                List<Double> std, String resize, double cropFraction, String interpolation) {
    }

    record CatalogLayer(int index, String name, String op, List<Long> outputShape, boolean feature) {
    }
}
