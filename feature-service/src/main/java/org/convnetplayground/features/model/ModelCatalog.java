package org.convnetplayground.features.model;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * What this service asks the model-catalog-service, which owns the models. Implemented over HTTP in
 * {@code rest/client}; its failures are domain failures (an unknown model names the models there are, an unreachable
 * catalog is unavailable), so nothing here knows about HTTP.
 */
public interface ModelCatalog {

    /** Where the catalog is configured to be, for messages and readiness. */
    String url();

    /** The ids of every model the catalog serves, in its order. */
    List<String> modelIds();

    /** The model as the catalog describes it now. */
    CatalogModel model(String id);

    /** Every layer of the model, in graph order. */
    List<CatalogLayer> layers(String id);

    /** The class labels of a classifier, in output order. */
    List<String> labels(String id);

    /** Null when the catalog answers, else why it does not. */
    String problem();

    /**
     * Writes the model's ONNX file to {@code out} as the catalog serves it (the caller verifies its checksum).
     *
     * @throws IOException          when the file cannot be fetched whole
     * @throws InterruptedException when the thread is interrupted meanwhile
     */
    void copyFile(String id, OutputStream out) throws IOException, InterruptedException;

    /** The parts of the catalog's model description the feature-service uses. */
    record CatalogModel(String id, String sha256, long sizeBytes, List<Integer> inputSize, String inputName,
                        boolean hasClassifier,
                        int numClasses, String outputLayer, String embeddingLayer, List<String> featureLayers,
                        CatalogPreprocessing preprocessing) {
    }

    /** A model's preprocessing as the catalog states it. */
    record CatalogPreprocessing(List<Integer> inputSize, String layout, String channelOrder, List<Double> mean,
                                List<Double> std, String resize, double cropFraction, String interpolation) {
    }

    /** One layer: its output tensor's name and shape (batch as -1). */
    record CatalogLayer(int index, String name, String op, List<Long> outputShape, boolean feature) {
    }
}
