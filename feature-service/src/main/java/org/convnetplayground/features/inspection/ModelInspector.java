package org.convnetplayground.features.inspection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.convnetplayground.features.extraction.ExtractionPlan;
import org.convnetplayground.features.extraction.FeatureExtractor;
import org.convnetplayground.inference.image.ImageCodec;
import org.convnetplayground.inference.image.PreprocessingSpec;
import org.convnetplayground.features.model.ModelInfo;
import org.convnetplayground.features.model.ModelRegistry;
import org.convnetplayground.inference.onnx.InferenceEngine;
import org.convnetplayground.inference.onnx.LayerOutput;
import org.convnetplayground.features.render.HeatMaps;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.vectors.Metric;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Looking inside a model with one image at a time: its ImageNet predictions, the activation maps of a layer, and
 * which regions of an image make it similar to another (occlusion).
 */
@ApplicationScoped
public class ModelInspector {

    /** Activation maps drawn per row of the grid, and the edge of each. */
    public static final int CELL = 96;

    private final FeatureExtractor extractor;
    private final ModelRegistry models;
    private final ImageCodec codec;
    private final InferenceEngine engine;

    @Inject
    public ModelInspector(FeatureExtractor extractor, ModelRegistry models, ImageCodec codec, InferenceEngine engine) {
        this.extractor = extractor;
        this.models = models;
        this.codec = codec;
        this.engine = engine;
    }

    /** A class and its probability. */
    @Schema(name = "Prediction")
    public record Prediction(String label, double probability, int index) {
    }

    /** The {@code k} most probable ImageNet classes (softmax of the classifier's logits). */
    public List<Prediction> predict(byte[] image, String name, String modelId, int k) {
        ModelInfo model = models.require(modelId);
        if (!model.hasClassifier()) {
            throw InvalidInputException.of("model '" + modelId + "' is a feature extractor without a classifier head; "
                    + "predictions need a model with class logits (see hasClassifier in /api/catalog/models)");
        }
        if (k < 1 || k > model.numClasses()) {
            throw InvalidInputException.invalid("k", k, "an integer from 1 to " + model.numClasses());
        }
        float[] logits = values(run(image, name, model, model.outputLayer()));
        List<String> labels = models.labels(model);
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        List<Prediction> all = new ArrayList<>(logits.length);
        for (int i = 0; i < logits.length; i++) {
            all.add(new Prediction(i < labels.size() ? labels.get(i) : "class " + i, p[i] / sum, i));
        }
        all.sort(Comparator.comparingDouble(Prediction::probability).reversed());
        return List.copyOf(all.subList(0, k));
    }

    /** One channel of a layer, for one image. */
    @Schema(name = "ChannelActivation")
    public record ChannelStat(int channel, double mean, double max) {
    }

    /**
     * A layer's activation maps for one image.
     *
     * @param shape    the layer's output shape for this image
     * @param columns  maps per row in the picture
     * @param cell     edge of each map in the picture, in pixels
     * @param shown    how many maps the picture shows (the strongest channels, in the order of {@code channels})
     * @param channels every channel, strongest (highest mean) first
     */
    @Schema(name = "Activations")
    public record Activations(String model, String layer, List<Long> shape, int columns, int cell, int shown,
                              List<ChannelStat> channels) {
    }

    /** The numbers of {@link #activationPicture}: every channel's mean and peak, strongest first. */
    public Activations activations(byte[] image, String name, String modelId, String layer, int top) {
        return activationsAndMaps(image, name, modelId, layer, top).activations();
    }

    /** The strongest {@code top} channels' maps as one PNG grid, in the order {@link #activations} lists them. */
    public byte[] activationPicture(byte[] image, String name, String modelId, String layer, int top) {
        ActivationMaps a = activationsAndMaps(image, name, modelId, layer, top);
        return HeatMaps.grid(a.maps(), a.h(), a.w(), a.activations().columns(), CELL);
    }

    private record ActivationMaps(Activations activations, List<float[]> maps, int h, int w) {
    }

    private ActivationMaps activationsAndMaps(byte[] image, String name, String modelId, String layer, int top) {
        if (top < 1 || top > 256) {
            throw InvalidInputException.invalid("top", top, "an integer from 1 to 256");
        }
        ModelInfo model = models.require(modelId);
        models.requireLayers(model, List.of(layer));
        List<Long> shape = model.layerShapes().get(layer);
        if (shape.size() != 4) {
            throw InvalidInputException.of("layer '" + layer + "' has output shape " + shape
                    + "; activation maps need a 4-D (batch, channels, height, width) output");
        }
        LayerOutput out = run(image, name, model, layer);
        boolean last = model.preprocessing().channelsLast();
        long[] s = out.shape();
        int c = (int) (last ? s[3] : s[1]);
        int h = (int) (last ? s[1] : s[2]);
        int w = (int) (last ? s[2] : s[3]);
        List<float[]> maps = new ArrayList<>(c);
        List<ChannelStat> stats = new ArrayList<>(c);
        for (int ch = 0; ch < c; ch++) {
            float[] m = new float[h * w];
            double sum = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < h * w; p++) {
                m[p] = out.data().get(last ? p * c + ch : ch * h * w + p);
                sum += m[p];
                max = Math.max(max, m[p]);
            }
            maps.add(m);
            stats.add(new ChannelStat(ch, sum / (h * w), max));
        }
        stats.sort(Comparator.comparingDouble(ChannelStat::mean).reversed().thenComparingInt(ChannelStat::channel));
        int shown = Math.min(top, c);
        List<float[]> strongest = stats.subList(0, shown).stream().map(st -> maps.get(st.channel())).toList();
        int columns = (int) Math.ceil(Math.sqrt(shown));
        return new ActivationMaps(new Activations(model.id(), layer, List.of(1L, (long) c, (long) h, (long) w), columns,
                CELL, shown, stats), strongest, h, w);
    }

    /**
     * Which regions of {@code image} make it close to {@code reference}: a patch of the image's median colour slides over
     * it (in its own pixels, overlapping by half), each occluded copy is embedded, and a region's importance is how much hiding
     * it increases the distance to the reference. Returned as a PNG to lay over the image: coloured and opaque where
     * important, transparent where not.
     *
     * @param pooling how the layer's output becomes a vector (as in the search being explained)
     * @param p       the minkowski exponent
     * @param patch   the patch edge as a fraction of the image's shorter side
     */
    public byte[] occlusion(byte[] image, String name, byte[] reference, String referenceName, String modelId, String layer,
                            String pooling, Metric metric, double p, double patch) {
        if (!(patch >= 0.05 && patch <= 0.5)) {
            throw InvalidInputException.invalid("patch", patch, "a fraction of the image's shorter side from 0.05 to 0.5");
        }
        ExtractionPlan plan = extractor.plan(modelId, List.of(layer), pooling);
        float[] target = extractor.embed(reference, referenceName, plan).layers().get(0).vector();
        List<Integer> size = codec.size(image, name);
        int width = size.get(0);
        int height = size.get(1);
        int edge = Math.max(1, (int) Math.round(patch * Math.min(width, height)));
        int stride = Math.max(1, edge / 2);
        List<int[]> patches = new ArrayList<>();
        patches.add(null);
        for (int y = 0; y < height; y += stride) {
            for (int x = 0; x < width; x += stride) {
                patches.add(new int[] {x, y, Math.min(edge, width - x), Math.min(edge, height - y)});
                if (x + edge >= width) {
                    break;
                }
            }
            if (y + edge >= height) {
                break;
            }
        }
        ModelInfo model = plan.model();
        PreprocessingSpec spec = model.preprocessing();
        int batch = engine.batchSize();
        double[] distance = new double[patches.size()];
        Path file = models.file(model);
        try (InferenceEngine.Runner runner = engine.open(model.sha256(), file, model.inputName(), List.of(layer))) {
            FloatBuffer input = ByteBuffer.allocateDirect(batch * spec.floatsPerImage() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            float[] vector = new float[plan.layers().get(0).dimension()];
            for (int from = 0; from < patches.size(); from += batch) {
                List<int[]> part = patches.subList(from, Math.min(patches.size(), from + batch));
                codec.preprocessOccluded(image, name, spec, part, input);
                FloatBuffer slice = input.duplicate().position(0).limit(part.size() * spec.floatsPerImage()).slice();
                LayerOutput out = runner.run(slice, spec.tensorShape(part.size())).get(layer);
                for (int r = 0; r < part.size(); r++) {
                    plan.pooling().pool(out.shape(), out.data(), r, spec.channelsLast(), vector);
                    distance[from + r] = metric.distance(vector, target, p);
                }
            }
        }
        // importance per pixel of a coarse grid: the mean distance increase of the patches covering it
        int gw = Math.min(width, 64);
        int gh = Math.min(height, 64);
        double[] sum = new double[gw * gh];
        int[] count = new int[gw * gh];
        for (int k = 1; k < patches.size(); k++) {
            int[] r = patches.get(k);
            double gain = distance[k] - distance[0];
            for (int gy = r[1] * gh / height; gy < Math.min(gh, (r[1] + r[3]) * gh / height + 1); gy++) {
                for (int gx = r[0] * gw / width; gx < Math.min(gw, (r[0] + r[2]) * gw / width + 1); gx++) {
                    sum[gy * gw + gx] += gain;
                    count[gy * gw + gx]++;
                }
            }
        }
        double[] importance = new double[gw * gh];
        double max = 0;
        for (int i = 0; i < importance.length; i++) {
            importance[i] = count[i] == 0 ? 0 : Math.max(0, sum[i] / count[i]);
            max = Math.max(max, importance[i]);
        }
        for (int i = 0; i < importance.length; i++) {
            importance[i] = max > 0 ? importance[i] / max : 0;
        }
        double scale = Math.min(1, 320.0 / Math.max(width, height));
        return HeatMaps.overlay(importance, gh, gw, Math.max(1, (int) Math.round(width * scale)),
                Math.max(1, (int) Math.round(height * scale)));
    }

    private LayerOutput run(byte[] image, String name, ModelInfo model, String layer) {
        PreprocessingSpec spec = model.preprocessing();
        FloatBuffer input = ByteBuffer.allocateDirect(spec.floatsPerImage() * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        codec.preprocess(image, name, spec, input, 0);
        try (InferenceEngine.Runner runner = engine.open(model.sha256(), models.file(model), model.inputName(), List.of(layer))) {
            Map<String, LayerOutput> out = runner.run(input, spec.tensorShape(1));
            return out.get(layer);
        }
    }

    private static float[] values(LayerOutput out) {
        float[] v = new float[out.perImage()];
        out.data().get(0, v);
        return v;
    }
}
