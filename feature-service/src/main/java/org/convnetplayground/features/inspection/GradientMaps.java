package org.convnetplayground.features.inspection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.features.extraction.ExtractionPlan;
import org.convnetplayground.features.extraction.FeatureExtractor;
import org.convnetplayground.inference.image.ImageCodec;
import org.convnetplayground.inference.image.PreprocessingSpec;
import org.convnetplayground.features.model.ModelInfo;
import org.convnetplayground.features.model.ModelRegistry;
import org.convnetplayground.features.render.Pictures;
import org.convnetplayground.features.visualisation.ModelGradients;
import org.convnetplayground.onnx.gradient.Objective;

/**
 * Gradient maps of one image: which input pixels move an objective (a channel's mean activation at a layer, or the
 * cosine similarity of the image's pooled vector at a layer with a reference image's), by the plain gradient,
 * SmoothGrad (the gradient averaged over noisy copies) or Grad-CAM (a layer's activations weighted by their mean
 * gradient), as a PNG over the image or as the raw arrays (.npz).
 */
@ApplicationScoped
public class GradientMaps {

    /** How the map is made. */
    public enum Method {
        GRADIENT("gradient", "Gradient"),
        SMOOTHGRAD("smoothgrad", "SmoothGrad"),
        GRADCAM("gradcam", "Grad-CAM");

        private final String id;
        private final String label;

        Method(String id, String label) {
            this.id = id;
            this.label = label;
        }

        public String id() {
            return id;
        }

        /** The name written on the picture. */
        public String label() {
            return label;
        }

        public static List<String> names() {
            return Arrays.stream(values()).map(Method::id).toList();
        }

        public static Method parse(String name) {
            if (name == null || name.isBlank()) {
                return GRADIENT;
            }
            for (Method m : values()) {
                if (m.id.equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw InvalidInputException.invalid("method", name, "one of " + names());
        }
    }

    /** What to differentiate: a channel of the layer, or the similarity with a reference image at the layer. */
    public record Target(String layer, Integer channel, byte[] reference, String referenceName) {
    }

    /**
     * A computed map.
     *
     * @param input      the preprocessed model input, in the model's layout, shape {@code inputShape}
     * @param gradient   the objective's gradient with respect to it (averaged over noisy copies for SmoothGrad)
     * @param objective  the objective's value on the image
     * @param cam        Grad-CAM's map at {@code camLayer} (camHeight x camWidth), or null
     */
    public record Computed(Method method, PreprocessingSpec spec, float[] input, long[] inputShape, float[] gradient,
                           double objective, String camLayer, float[] cam, int camHeight, int camWidth) {
    }

    private final ModelRegistry models;
    private final ModelGradients gradients;
    private final FeatureExtractor extractor;
    private final ImageCodec codec;
    private final FeatureConfig.Gradients settings;

    @Inject
    public GradientMaps(ModelRegistry models, ModelGradients gradients, FeatureExtractor extractor, ImageCodec codec,
                        FeatureConfig config) {
        this.models = models;
        this.gradients = gradients;
        this.extractor = extractor;
        this.codec = codec;
        this.settings = config.gradients();
    }

    public Computed compute(byte[] image, String name, String modelId, Target target, Method method, String camLayer) {
        ModelInfo model = models.require(modelId);
        models.requireLayers(model, List.of(target.layer()));
        PreprocessingSpec spec = model.preprocessing();
        List<Long> shape = model.layerShapes().get(target.layer());
        boolean last = spec.channelsLast();
        if (shape.size() < 2) {
            throw InvalidInputException.invalid("layer", target.layer(), "a layer with a channel axis; it has shape " + shape);
        }
        int channels = (int) (long) (last && shape.size() > 2 ? shape.get(shape.size() - 1) : shape.get(1));
        Objective objective;
        float[] objectiveInput;
        if (target.reference() != null) {
            if (target.channel() != null) {
                throw InvalidInputException.of("give either channel or a reference image (reference or referenceId), "
                        + "not both");
            }
            ExtractionPlan plan = extractor.plan(modelId, List.of(target.layer()), "avg");
            objectiveInput = extractor.embed(target.reference(), target.referenceName(), plan).layers().get(0).vector();
            objective = new Objective.Similarity(target.layer(), last, Objective.Measure.COSINE, Objective.Pooling.AVG);
        } else {
            Integer c = target.channel();
            if (c == null) {
                throw InvalidInputException.missing("channel", "a channel index of layer '" + target.layer()
                        + "' (an integer from 0 to " + (channels - 1) + "), or a reference image (reference or referenceId)");
            }
            if (c < 0 || c >= channels) {
                throw InvalidInputException.invalid("channel", c, "an integer from 0 to " + (channels - 1) + " (layer '"
                        + target.layer() + "' of model '" + modelId + "' has " + channels + " channels)");
            }
            objectiveInput = new float[channels];
            objectiveInput[c] = 1;
            objective = new Objective.ChannelMean(target.layer(), last, null);
        }
        String cam = method == Method.GRADCAM ? camLayer(model, target.layer(), camLayer) : null;
        float[] input = preprocess(image, name, spec);
        long[] inputShape = spec.tensorShape(1);
        try (ModelGradients.Handle handle = gradients.open(model, objective, cam == null ? List.of() : List.of(cam))) {
            ModelGradients.Result r = handle.run(input, objectiveInput);
            if (method == Method.GRADIENT) {
                return new Computed(method, spec, input, inputShape, r.gradient(), r.objective()[0], null, null, 0, 0);
            }
            if (method == Method.SMOOTHGRAD) {
                float[] sum = new float[input.length];
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (float v : input) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                double sigma = settings.smoothgradNoise() * (hi - lo);
                // a fixed seed: the same request draws the same map
                Random random = new Random(0);
                int n = Math.max(1, settings.smoothgradSamples());
                float[] noisy = new float[input.length];
                for (int s = 0; s < n; s++) {
                    for (int i = 0; i < input.length; i++) {
                        noisy[i] = (float) (input[i] + random.nextGaussian() * sigma);
                    }
                    float[] g = handle.run(noisy, objectiveInput).gradient();
                    for (int i = 0; i < g.length; i++) {
                        sum[i] += g[i] / n;
                    }
                }
                return new Computed(method, spec, input, inputShape, sum, r.objective()[0], null, null, 0, 0);
            }
            List<Long> camShape = model.layerShapes().get(cam);
            int ch = (int) (long) (last ? camShape.get(3) : camShape.get(1));
            int h = (int) (long) (last ? camShape.get(1) : camShape.get(2));
            int w = (int) (long) (last ? camShape.get(2) : camShape.get(3));
            float[] a = r.tensors().get(cam);
            float[] da = r.tensorGradients().get(cam);
            float[] map = new float[h * w];
            for (int c = 0; c < ch; c++) {
                double alpha = 0;
                for (int p = 0; p < h * w; p++) {
                    alpha += da[last ? p * ch + c : c * h * w + p];
                }
                alpha /= h * w;
                for (int p = 0; p < h * w; p++) {
                    map[p] += (float) (alpha * a[last ? p * ch + c : c * h * w + p]);
                }
            }
            for (int p = 0; p < map.length; p++) {
                map[p] = Math.max(0, map[p]);
            }
            return new Computed(method, spec, input, inputShape, r.gradient(), r.objective()[0], cam, map, h, w);
        }
    }

    /**
     * Grad-CAM's layer: the one asked for, else the objective's layer when it has spatial extent, else the last
     * layer before it that has.
     */
    private static String camLayer(ModelInfo model, String layer, String asked) {
        List<String> spatial = new ArrayList<>();
        for (Map.Entry<String, List<Long>> e : model.layerShapes().entrySet()) {
            if (isSpatial(e.getValue(), model.preprocessing().channelsLast())) {
                spatial.add(e.getKey());
            }
            if (e.getKey().equals(layer)) {
                break;
            }
        }
        if (asked != null && !asked.isBlank()) {
            if (!spatial.contains(asked)) {
                throw InvalidInputException.invalid("camLayer", asked, "a layer with spatial extent (height and width "
                        + "above 1) up to '" + layer + "', e.g. one of " + tail(spatial));
            }
            return asked;
        }
        if (spatial.isEmpty()) {
            throw InvalidInputException.invalid("layer", layer, "for Grad-CAM, a layer at or after one with spatial "
                    + "extent; model '" + model.id() + "' has none up to '" + layer + "'");
        }
        return spatial.get(spatial.size() - 1);
    }

    private static List<String> tail(List<String> l) {
        return l.subList(Math.max(0, l.size() - 8), l.size());
    }

    private static boolean isSpatial(List<Long> shape, boolean last) {
        if (shape == null || shape.size() != 4) {
            return false;
        }
        long h = last ? shape.get(1) : shape.get(2);
        long w = last ? shape.get(2) : shape.get(3);
        return h * w > 1;
    }

    private float[] preprocess(byte[] image, String name, PreprocessingSpec spec) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(spec.floatsPerImage() * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        codec.preprocess(image, name, spec, buffer, 0);
        float[] input = new float[spec.floatsPerImage()];
        buffer.get(0, input);
        return input;
    }

    /**
     * The map over the image the model saw (its preprocessed input turned back into pixels), at the model's input
     * size, with the method written on it. Gradient and SmoothGrad show each pixel's largest absolute gradient over
     * the colour channels, scaled to the 99th percentile; Grad-CAM its map scaled to its maximum.
     */
    public static byte[] picture(Computed c) {
        PreprocessingSpec spec = c.spec();
        int h = spec.height();
        int w = spec.width();
        int plane = h * w;
        boolean last = spec.channelsLast();
        float[] rgb = new float[3 * plane];
        float[] saliency = new float[plane];
        for (int ch = 0; ch < 3; ch++) {
            int target = spec.bgr() ? 2 - ch : ch;
            double mean = spec.mean().get(ch);
            double std = spec.std().get(ch);
            for (int p = 0; p < plane; p++) {
                int i = last ? p * 3 + ch : ch * plane + p;
                rgb[target * plane + p] = (float) ((c.input()[i] * std + mean) / 255);
                saliency[p] = Math.max(saliency[p], Math.abs(c.gradient()[i]));
            }
        }
        if (c.cam() != null) {
            return Pictures.overlay(rgb, h, w, scaled(c.cam(), 1.0), c.camHeight(), c.camWidth(), c.method().label());
        }
        return Pictures.overlay(rgb, h, w, scaled(saliency, 0.99), h, w, c.method().label());
    }

    /**
     * The arrays: {@code input} (the preprocessed model input) and {@code gradient} (same shape), both float32 in the
     * model's input layout, and for Grad-CAM {@code cam} (the layer's height x width).
     */
    public static byte[] arrays(Computed c) {
        Map<String, Npz.Array> arrays = new java.util.LinkedHashMap<>();
        arrays.put("input", new Npz.Array(c.input(), c.inputShape()));
        arrays.put("gradient", new Npz.Array(c.gradient(), c.inputShape()));
        if (c.cam() != null) {
            arrays.put("cam", new Npz.Array(c.cam(), new long[] {c.camHeight(), c.camWidth()}));
        }
        return Npz.write(arrays);
    }

    /** Values divided by their given quantile (1 = the maximum) and clipped to [0, 1]. */
    private static float[] scaled(float[] v, double quantile) {
        float[] sorted = v.clone();
        Arrays.sort(sorted);
        float top = sorted[Math.min(sorted.length - 1, (int) Math.floor(quantile * (sorted.length - 1)))];
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = top > 0 ? Math.min(1f, Math.max(0f, v[i] / top)) : 0f;
        }
        return out;
    }
}
