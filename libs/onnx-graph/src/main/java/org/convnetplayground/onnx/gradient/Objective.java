package org.convnetplayground.onnx.gradient;

import java.util.Objects;

/**
 * The scalar whose gradient with respect to the model's input a generated graph computes, per image of the batch.
 * Each kind adds one graph input that the caller fills at run time (so one session serves every channel of a
 * layer, or every reference vector).
 */
public sealed interface Objective permits Objective.ChannelMean, Objective.Similarity, Objective.Weighted {

    /** The tensor (layer) the objective reads. */
    String layer();

    /** Whether the layer's channels are its last axis (N, H, W, C) rather than axis 1 (N, C, H, W). */
    boolean channelsLast();

    /**
     * Σ_c w_c · mean over the spatial positions of channel c, with the weights {@code w} (shape [C]) given as graph
     * input {@link GradientGraph#OBJECTIVE_WEIGHTS}: a one-hot w is "channel c's mean activation". With a
     * {@code position} (y, x) the objective reads that one spatial position instead of the mean.
     */
    record ChannelMean(String layer, boolean channelsLast, int[] position) implements Objective {
        public ChannelMean {
            Objects.requireNonNull(layer, "layer");
            if (position != null && position.length != 2) {
                throw new IllegalArgumentException("a position is (y, x)");
            }
            position = position == null ? null : position.clone();
        }

        public static ChannelMean of(String layer) {
            return new ChannelMean(layer, false, null);
        }
    }

    /**
     * The similarity between the layer's pooled vector and a reference vector given as graph input
     * {@link GradientGraph#REFERENCE} (shape [D]).
     *
     * @param pooling how the layer becomes a vector: AVG (global average of each channel; a 2-D layer is taken
     *                as it is) or FLATTEN (every value, row-major)
     */
    record Similarity(String layer, boolean channelsLast, Measure measure, Pooling pooling) implements Objective {
        public Similarity {
            Objects.requireNonNull(layer, "layer");
            Objects.requireNonNull(measure, "measure");
            Objects.requireNonNull(pooling, "pooling");
        }
    }

    /**
     * Σ seed · layer over every element of each image, with {@code seed} (the layer's shape) given as graph input
     * {@link GradientGraph#SEED}: the vector-Jacobian product of the layer with the seed.
     */
    record Weighted(String layer, boolean channelsLast) implements Objective {
        public Weighted {
            Objects.requireNonNull(layer, "layer");
        }
    }

    /** How two vectors are compared. */
    enum Measure {
        /** v·r / (|v| |r|). */
        COSINE,
        /** v·r. */
        DOT
    }

    /** How a layer's output becomes a vector. */
    enum Pooling {
        AVG,
        FLATTEN
    }
}
