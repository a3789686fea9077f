package org.convnetplayground.inference.image;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * How to turn an image into a model's input: the catalog's preprocessing, as data.
 * {@code x = (pixel - mean) / std} per channel, pixel in 0..255, after resizing. Serializable, so that a batch job can
 * send it to the machines that decode.
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
        String interpolation) implements Serializable {

    /**
     * The spec of a model's preprocessing as the model-catalog-service states it (its {@code preprocessing} object,
     * which it reads from {@code model.json}).
     *
     * @param inputSize    [height, width]
     * @param layout       "NCHW" or "NHWC"
     * @param channelOrder "RGB" or "BGR"
     * @param resize       "shorter-side-crop" or "stretch"
     */
    public static PreprocessingSpec of(List<Integer> inputSize, String layout, String channelOrder, List<Double> mean,
                                       List<Double> std, String resize, double cropFraction, String interpolation) {
        boolean channelsLast = "NHWC".equalsIgnoreCase(layout);
        boolean bgr = "BGR".equalsIgnoreCase(channelOrder);
        return new PreprocessingSpec(inputSize.get(0), inputSize.get(1), channelsLast, bgr, mean, std,
                "stretch".equals(resize), cropFraction, interpolation.toLowerCase(Locale.ROOT));
    }

    /** Floats one image occupies in the input tensor. */
    public int floatsPerImage() {
        return 3 * height * width;
    }

    /** The input tensor shape for a batch of {@code n} images. */
    public long[] tensorShape(int n) {
        return channelsLast ? new long[] {n, height, width, 3} : new long[] {n, 3, height, width};
    }
}
