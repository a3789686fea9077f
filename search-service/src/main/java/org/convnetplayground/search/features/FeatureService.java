package org.convnetplayground.search.features;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.problem.UpstreamProblems;
import org.convnetplayground.search.rest.client.FeatureServiceApi;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.client.api.ClientMultipartForm;

/**
 * The feature-service as this service needs it. Its problems (an unknown dataset, model or layer; an unreadable
 * upload) are passed on as the domain failures they stand for, with its words; when it cannot be reached the caller
 * gets an {@link org.convnetplayground.errors.UnavailableException} that names it.
 */
@ApplicationScoped
public class FeatureService {

    private final FeatureServiceApi api;
    private final String url;
    private final UpstreamProblems upstream;

    @Inject
    public FeatureService(@RestClient FeatureServiceApi api,
                          @ConfigProperty(name = "quarkus.rest-client.features.url") String url) {
        this.api = api;
        this.url = url;
        this.upstream = new UpstreamProblems("feature-service", url);
    }

    public String url() {
        return url;
    }

    public FeatureServiceApi.ExtractionJob startExtraction(String dataset, String model, List<String> layers,
                                                           String pooling) {
        return startExtraction(dataset, model, layers, pooling, null);
    }

    /** An extraction of only {@code images} of the dataset (every image when null). */
    public FeatureServiceApi.ExtractionJob startExtraction(String dataset, String model, List<String> layers,
                                                           String pooling, List<String> images) {
        return call(() -> api.startExtraction(new FeatureServiceApi.ExtractionRequest(dataset, model, layers, pooling,
                images)));
    }

    /** The dataset's current version (it changes whenever an image is added, removed or rewritten). */
    public String datasetVersion(String dataset) {
        return String.valueOf(call(() -> api.dataset(dataset)).get("version"));
    }

    /** Every image of the dataset, in its order. */
    public List<FeatureServiceApi.Item> images(String dataset) {
        List<FeatureServiceApi.Item> all = new java.util.ArrayList<>();
        int total;
        do {
            int offset = all.size();
            FeatureServiceApi.ImagePage page = call(() -> api.images(dataset, offset, 5000));
            all.addAll(page.items());
            total = page.total();
            if (page.items().isEmpty()) {
                break;
            }
        } while (all.size() < total);
        return all;
    }

    public FeatureServiceApi.ExtractionJob extraction(String id) {
        return call(() -> api.extraction(id));
    }

    public InputStream vectors(String id, String layer) {
        return call(() -> api.vectors(id, layer));
    }

    /** Rows {@code from .. from + count - 1} of a layer of an extraction, once written. */
    public InputStream vectors(String id, String layer, int from, int count) {
        return call(() -> api.vectorRows(id, layer, from, count));
    }

    /**
     * The rows of an extraction from {@code from} on, at most {@code limit}; waits up to {@code wait} for some to be
     * written (or for the extraction to end).
     */
    public FeatureServiceApi.ExtractionRows rows(String id, int from, int limit, java.time.Duration wait) {
        return call(() -> api.rows(id, from, limit, wait.toMillis()));
    }

    public void deleteExtraction(String id) {
        call(() -> {
            api.deleteExtraction(id);
            return null;
        });
    }

    /** The vector of one uploaded image at one layer. */
    public float[] embed(Path image, String fileName, String model, String layer, String pooling) {
        ClientMultipartForm form = ClientMultipartForm.create()
                .binaryFileUpload("image", fileName, image.toString(), "application/octet-stream")
                .attribute("model", model, null)
                .attribute("layers", layer, null)
                .attribute("pooling", pooling, null);
        FeatureServiceApi.Embedding e = call(() -> api.embed(form));
        return e.layers().get(0).vector();
    }

    /** The vector of image {@code imageId} of {@code dataset} at one layer, computed now. */
    public float[] embed(String dataset, String imageId, String model, String layer, String pooling) {
        ClientMultipartForm form = ClientMultipartForm.create()
                .attribute("dataset", dataset, null)
                .attribute("imageId", imageId, null)
                .attribute("model", model, null)
                .attribute("layers", layer, null)
                .attribute("pooling", pooling, null);
        FeatureServiceApi.Embedding e = call(() -> api.embed(form));
        return e.layers().get(0).vector();
    }

    /** Checks that the dataset exists; the feature-service's "unknown dataset" names the datasets there are. */
    public void requireDataset(String dataset) {
        call(() -> api.dataset(dataset));
    }

    /**
     * Checks that {@code imageId} is an image of {@code dataset}, so a query by an unknown image fails at once
     * instead of after a collection build. The failure names the dataset's image list.
     */
    public void requireImage(String dataset, String imageId) {
        requireDataset(dataset);
        if (!call(() -> FeatureServiceApi.hasImage(api, dataset, imageId))) {
            throw UnknownNameException.unknown("image", imageId, "in dataset '" + dataset + "'", List.of(),
                    "/api/features/datasets/" + dataset + "/images");
        }
    }

    /** Null when the service answers, else why it does not (for readiness). */
    public String problem() {
        try {
            call(api::datasets);
            return null;
        } catch (DomainException e) {
            return e.getMessage();
        }
    }

    private <T> T call(Supplier<T> request) {
        return upstream.call(request);
    }

}
