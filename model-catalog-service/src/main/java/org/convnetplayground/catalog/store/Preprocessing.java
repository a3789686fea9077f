package org.convnetplayground.catalog.store;

import java.util.List;
import org.convnetplayground.model.metadata.ModelPreprocessing;

/**
 * How an image becomes the model's input tensor: data, never typed at call sites.
 * {@code x = (pixel - mean) / std} per channel with pixel in 0..255, after resizing.
 *
 * @param inputSize     [height, width] of the input tensor
 * @param layout        "NCHW" or "NHWC"
 * @param channelOrder  "RGB" or "BGR"
 * @param mean          per channel, in pixel units 0..255, in the model's channel order
 * @param std           per channel, in pixel units 0..255
 * @param resize        "shorter-side-crop" (scale the shorter side to size/cropFraction, centre crop) or
 *                      "stretch" (scale the whole image to the input size, no crop)
 * @param cropFraction  crop size over resized shorter side (0.875 = resize 256, crop 224); 1 for stretch
 * @param interpolation the resampling filter: "bilinear", "bicubic", "lanczos", "area" or "nearest"
 * @param description   the model's own words on its preprocessing, as published with it
 */
public record Preprocessing(
        List<Integer> inputSize,
        String layout,
        String channelOrder,
        List<Double> mean,
        List<Double> std,
        String resize,
        double cropFraction,
        String interpolation,
        String description) {

    public static final List<String> RESIZE_MODES = ModelPreprocessing.RESIZE_MODES;
    public static final List<String> INTERPOLATIONS = ModelPreprocessing.INTERPOLATIONS;
}
