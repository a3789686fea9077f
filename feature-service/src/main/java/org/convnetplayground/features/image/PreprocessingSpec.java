package org.convnetplayground.features.image;

import java.util.List;

/**
 * How to turn an image into a model's input: the catalog's preprocessing, as data.
 * {@code x = (pixel - mean) / std} per channel, pixel in 0..255, after resizing.
 *
 * @param height        input height
 * @param width         input width
 * @param channelsLast  true for NHWC, false for NCHW
 * @param bgr           true when the model wants channels in B, G, R order
 * @param mean          per channel in the model's channel order, pixel units
 * @param std           per channel, pixel units
 * @param stretch       true: scale the whole image to the input size; false: scale the shorter side to
 *                      size/cropFraction and take the centre crop
 * @param cropFraction  crop size over scaled shorter side (0.875 for 256 to 224)
 * @param interpolation "bilinear", "bicubic", "lanczos", "area" or "nearest"
 */
public record PreprocessingSpec(
        int height,
        int width,
        boolean channelsLast,
        boolean bgr,
        List<Double> mean,
        List<Double> std,
        boolean stretch,
        double cropFraction,
        String interpolation) {

    /** Floats one image occupies in the input tensor. */
    public int floatsPerImage() {
        return 3 * height * width;
    }

    /** The input tensor shape for a batch of {@code n} images. */
    public long[] tensorShape(int n) {
        return channelsLast ? new long[] {n, height, width, 3} : new long[] {n, 3, height, width};
    }
}
