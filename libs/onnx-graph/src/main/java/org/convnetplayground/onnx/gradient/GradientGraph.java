package org.convnetplayground.onnx.gradient;

import java.util.List;
import java.util.Map;

/**
 * A generated ONNX model computing, for a batch of images, an {@link Objective} per image and its gradient with
 * respect to the input (and, on request, with respect to intermediate tensors). Run it like any model.
 *
 * @param model               the serialised ONNX model (the forward model's opset, default domain only)
 * @param input               the image input's name (as in the forward model)
 * @param inputShape          its static shape, batch first
 * @param objectiveInput      the name of the objective's own input ({@link #OBJECTIVE_WEIGHTS}, {@link #REFERENCE}
 *                            or {@link #SEED})
 * @param objectiveInputShape its shape
 * @param layerShape          the objective layer's static shape, batch first
 * @param tensorGradients     for each intermediate tensor asked for: the output holding its gradient (its forward
 *                            value is output under its own name)
 */
public record GradientGraph(byte[] model, String input, List<Long> inputShape, String objectiveInput,
                            List<Long> objectiveInputShape, List<Long> layerShape,
                            Map<String, String> tensorGradients) {

    /** The opset of graphs this package builds from scratch ({@link FourierImage}); gradient graphs keep their model's. */
    public static final int OPSET = 13;
    /** Output: the objective per image, shape [N]. */
    public static final String OBJECTIVE = "objective";
    /** Output: d objective / d input, the input's shape. */
    public static final String GRADIENT = "input_gradient";
    /** Input of {@link Objective.ChannelMean}: one weight per channel, [C]. */
    public static final String OBJECTIVE_WEIGHTS = "objective_weights";
    /** Input of {@link Objective.Similarity}: the reference vector, [D]. */
    public static final String REFERENCE = "reference";
    /** Input of {@link Objective.Weighted}: the layer-shaped seed. */
    public static final String SEED = "seed";

    /** Number of channels (or vector elements) the objective input expects. */
    public long objectiveInputSize() {
        long n = 1;
        for (long d : objectiveInputShape) {
            n *= d;
        }
        return n;
    }
}
