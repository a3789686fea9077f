package org.convnetplayground.features.extraction;

import java.util.List;
import org.convnetplayground.features.model.ModelInfo;
import org.convnetplayground.inference.Pooling;

/**
 * A validated request to run a model on some layers: every layer exists and can be pooled as asked.
 *
 * @param model   the model
 * @param layers  the layers with their pooled dimensions, in the order asked
 * @param pooling how 4-D outputs become vectors
 */
public record ExtractionPlan(ModelInfo model, List<LayerPlan> layers, Pooling pooling) {

    public List<String> layerNames() {
        return layers.stream().map(LayerPlan::name).toList();
    }

    /**
     * @param name      the layer
     * @param shape     its output shape, batch as -1
     * @param dimension values per image after pooling
     */
    public record LayerPlan(String name, List<Long> shape, int dimension) {
    }
}
