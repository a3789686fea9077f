package org.convnetplayground.features.model;

import java.util.List;
import java.util.Map;
import org.convnetplayground.inference.image.PreprocessingSpec;

/**
 * What the feature-service needs to know about a model to run it.
 *
 * @param id             the catalog id
 * @param sha256         checksum of its ONNX file (the cache key for files and sessions)
 * @param sizeBytes      size of its ONNX file
 * @param inputName      the graph input that takes the image
 * @param preprocessing  how to make its input
 * @param hasClassifier  whether it ends in class logits
 * @param numClasses     classes of the classifier, 0 for feature extractors
 * @param outputLayer    the model's final output (class logits for classifiers)
 * @param featureLayers  the curated feature layers
 * @param embeddingLayer the final pooled embedding
 * @param layerShapes    output shape (batch -1) of every layer, in graph order
 */
public record ModelInfo(
        String id,
        String sha256,
        long sizeBytes,
        String inputName,
        PreprocessingSpec preprocessing,
        boolean hasClassifier,
        int numClasses,
        String outputLayer,
        List<String> featureLayers,
        String embeddingLayer,
        Map<String, List<Long>> layerShapes) {
}
