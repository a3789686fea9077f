package org.convnetplayground.features.extraction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.convnetplayground.features.dataset.Dataset;
import org.convnetplayground.features.dataset.DatasetImage;
import org.convnetplayground.features.model.ModelInfo;
import org.convnetplayground.inference.onnx.LayerOutput;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobContext;
import org.convnetplayground.errors.InvalidInputException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * "What excites this channel": the images of a dataset whose mean activation for one channel of a layer is highest,
 * each with the region of its strongest response outlined (the dataset examples of OpenAI Microscope). One pass over
 * the dataset records every channel's mean and peak position for every image, so after it any channel of that
 * layer answers at once; the pass is a job, and a few recent passes are kept.
 */
@ApplicationScoped
public class ChannelExamples {

    public static final String KIND = "channel-index";
    private static final int KEEP = 4;
    /** The outlined region: the peak cell of the map and its neighbours on each side. */
    private static final int CONTEXT_CELLS = 1;

    private final FeatureExtractor extractor;
    private final Map<String, ChannelIndex> indexes = new LinkedHashMap<>(8, 0.75f, true);

    @Inject
    public ChannelExamples(FeatureExtractor extractor) {
        this.extractor = extractor;
    }

    /** The examples, or the job indexing the layer over the dataset. */
    public sealed interface Outcome permits Ready, Pending {
    }

    public record Ready(Examples examples) implements Outcome {
    }

    public record Pending(Job<?> job) implements Outcome {
    }

    /** The top images of one channel. */
    @Schema(name = "ChannelExamples")
    public record Examples(String dataset, String model, String layer, int channel, int channels,
                           List<Example> examples) {
    }

    /**
     * @param id         the image id
     * @param label      its class
     * @param activation its mean activation for the channel over all positions
     * @param peak       the channel's strongest activation in it
     * @param box        where the peak is, as [x, y, width, height] in the image's own pixels (the whole image for
     *                   layers without positions)
     * @param imageSize  [width, height] of the image
     */
    @Schema(name = "ChannelExample")
    public record Example(String id, String label, double activation, double peak, List<Integer> box,
                          List<Integer> imageSize) {
    }

    public Outcome examples(Dataset dataset, ExtractionPlan plan, int channel, int k) {
        if (k < 1 || k > 100) {
            throw InvalidInputException.invalid("k", k, "an integer from 1 to 100");
        }
        ModelInfo model = plan.model();
        String layer = plan.layers().get(0).name();
        List<Long> shape = plan.layers().get(0).shape();
        if (shape.size() != 2 && shape.size() != 4) {
            throw InvalidInputException.of("layer '" + layer + "' has output shape " + shape
                    + "; channel examples need a 2-D (vector) or 4-D (map) output");
        }
        int channels = (int) (model.preprocessing().channelsLast() ? shape.get(shape.size() - 1) : shape.get(1)).longValue();
        if (channel < 0 || channel >= channels) {
            throw InvalidInputException.invalid("channel", channel, "a channel of layer '" + layer + "', from 0 to "
                    + (channels - 1));
        }
        String key = dataset.id() + "|" + dataset.version() + "|" + model.sha256() + "|" + layer;
        ChannelIndex index;
        synchronized (indexes) {
            index = indexes.get(key);
        }
        if (index == null) {
            return new Pending(extractor.submitJob(KIND, key, ctx -> {
                ChannelIndex built = index(dataset, model, layer, ctx);
                synchronized (indexes) {
                    indexes.put(key, built);
                    while (indexes.size() > KEEP) {
                        indexes.remove(indexes.keySet().iterator().next());
                    }
                }
                return null;
            }));
        }
        return new Ready(index.top(dataset.id(), model.id(), layer, channel, k));
    }

    private ChannelIndex index(Dataset dataset, ModelInfo model, String layer, JobContext ctx) throws Exception {
        List<DatasetImage> images = dataset.images();
        boolean channelsLast = model.preprocessing().channelsLast();
        ChannelIndex index = new ChannelIndex(images.size());
        ctx.message("recording every channel of " + layer + " over " + images.size() + " images");
        extractor.pipeline().run(images, model, () -> extractor.models().file(model), List.of(layer), ctx,
                (from, count, out, slots) -> {
                    LayerOutput o = out.get(layer);
                    for (int r = 0; r < count; r++) {
                        if (slots[r].ok()) {
                            index.add(images.get(from + r), o, r, channelsLast, slots[r].prepared().region(),
                                    slots[r].prepared().width(), slots[r].prepared().height(),
                                    model.preprocessing().width(), model.preprocessing().height());
                        }
                    }
                });
        return index;
    }

    /** Per image: each channel's mean and peak, where the peak is, and how the image was cropped. */
    private static final class ChannelIndex {
        private final List<String> ids = new ArrayList<>();
        private final List<String> labels = new ArrayList<>();
        private final List<float[]> means = new ArrayList<>();
        private final List<float[]> peaks = new ArrayList<>();
        private final List<int[]> boxes = new ArrayList<>();
        private final List<int[]> sizes = new ArrayList<>();

        ChannelIndex(int capacity) {
        }

        synchronized void add(DatasetImage image, LayerOutput o, int row, boolean channelsLast, List<Integer> region,
                              int width, int height, int inputWidth, int inputHeight) {
            long[] s = o.shape();
            int c = (int) (s.length == 4 ? (channelsLast ? s[3] : s[1]) : s[1]);
            int h = s.length == 4 ? (int) (channelsLast ? s[1] : s[2]) : 1;
            int w = s.length == 4 ? (int) (channelsLast ? s[2] : s[3]) : 1;
            int positions = h * w;
            int base = row * c * positions;
            float[] mean = new float[c];
            float[] peak = new float[c];
            int[] box = new int[c * 4];
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                float best = Float.NEGATIVE_INFINITY;
                int at = 0;
                for (int p = 0; p < positions; p++) {
                    float v = o.data().get(channelsLast ? base + p * c + ch : base + ch * positions + p);
                    sum += v;
                    if (v > best) {
                        best = v;
                        at = p;
                    }
                }
                mean[ch] = (float) (sum / positions);
                peak[ch] = best;
                // the peak cell with its neighbours, in model-input pixels, then in the image's own pixels
                int i = at / w;
                int j = at % w;
                double cellW = inputWidth / (double) w;
                double cellH = inputHeight / (double) h;
                double x0 = Math.max(0, (j - CONTEXT_CELLS) * cellW);
                double y0 = Math.max(0, (i - CONTEXT_CELLS) * cellH);
                double x1 = Math.min(inputWidth, (j + 1 + CONTEXT_CELLS) * cellW);
                double y1 = Math.min(inputHeight, (i + 1 + CONTEXT_CELLS) * cellH);
                double sx = region.get(2) / (double) inputWidth;
                double sy = region.get(3) / (double) inputHeight;
                box[ch * 4] = (int) Math.round(region.get(0) + x0 * sx);
                box[ch * 4 + 1] = (int) Math.round(region.get(1) + y0 * sy);
                box[ch * 4 + 2] = (int) Math.round((x1 - x0) * sx);
                box[ch * 4 + 3] = (int) Math.round((y1 - y0) * sy);
            }
            ids.add(image.id());
            labels.add(image.label());
            means.add(mean);
            peaks.add(peak);
            boxes.add(box);
            sizes.add(new int[] {width, height});
        }

        synchronized Examples top(String dataset, String model, String layer, int channel, int k) {
            int channels = means.isEmpty() ? 0 : means.get(0).length;
            List<Example> best = IntStream.range(0, ids.size()).boxed()
                    .sorted(Comparator.comparingDouble((Integer r) -> -means.get(r)[channel]).thenComparing(ids::get))
                    .limit(k)
                    .map(r -> {
                        int[] b = boxes.get(r);
                        return new Example(ids.get(r), labels.get(r), means.get(r)[channel], peaks.get(r)[channel],
                                List.of(b[channel * 4], b[channel * 4 + 1], b[channel * 4 + 2], b[channel * 4 + 3]),
                                List.of(sizes.get(r)[0], sizes.get(r)[1]));
                    }).toList();
            return new Examples(dataset, model, layer, channel, channels, best);
        }
    }
}
