package org.convnetplayground.features.extraction;

import java.util.List;
import org.convnetplayground.inference.Pooling;

/**
 * The vectors of one image.
 *
 * @param model         the model id
 * @param modelSha256   the checksum of the model file that ran
 * @param pooling       how outputs became vectors
 * @param preprocessing what was done to the image
 * @param layers        one vector per requested layer
 */
public record Embedding(String model, String modelSha256, Pooling pooling, Preprocessed preprocessing,
                        List<LayerVector> layers) {

    /** A layer's vector. */
    public record LayerVector(String name, int dimension, float[] vector) {
    }

    /**
     * @param width         the decoded image width
     * @param height        the decoded image height
     * @param region        the source region [x, y, width, height] that became the input
     * @param filter        the resampling filter applied
     * @param inputSize     the model input [height, width]
     * @param interpolation the model's declared interpolation
     */
    public record Preprocessed(int width, int height, List<Integer> region, String filter, List<Integer> inputSize,
                               String interpolation) {
    }
}
