package org.convnetplayground.catalog.store;

import java.util.List;
import java.util.Map;

/**
 * What a model's {@code model.json} says about it, in typed form.
 *
 * @param id                 the model's folder name, its id everywhere
 * @param name               the published name
 * @param family             architecture family ("MobileNet")
 * @param architecture       one line on the architecture
 * @param hasClassifier      whether the model ends in class logits
 * @param head               the model's own words on its head
 * @param license            licence text
 * @param source             provenance: repository, commit, paths (as published)
 * @param originalFormat     what the weights were converted from
 * @param notes              conversion notes
 * @param file               the ONNX file name inside the folder
 * @param sha256             the declared checksum of the ONNX file
 * @param declaredParameters the declared parameter count, for cross-checking the graph
 * @param inputName          the graph input to feed
 * @param preprocessing      how to turn an image into the input tensor
 * @param outputName         the model's final output tensor
 * @param numClasses         number of classes for classifiers, else 0
 * @param labelsFile         the labels file path relative to the model folder, or null
 * @param namedLayers        the named intermediate tensors the publisher lists ({@code feature_layers})
 */
public record ModelMetadata(
        String id,
        String name,
        String family,
        String architecture,
        boolean hasClassifier,
        String head,
        String license,
        Map<String, Object> source,
        String originalFormat,
        String notes,
        String file,
        String sha256,
        Long declaredParameters,
        String inputName,
        Preprocessing preprocessing,
        String outputName,
        int numClasses,
        String labelsFile,
        List<String> namedLayers) {
}
