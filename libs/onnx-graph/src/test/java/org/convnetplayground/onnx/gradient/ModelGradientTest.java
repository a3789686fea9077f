package org.convnetplayground.onnx.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.convnetplayground.testing.Repo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole model's generated gradient of a channel's mean activation, at an early and a late layer of the shared
 * models, against central finite differences of the forward model at a real photo. Directional derivatives agree
 * within 2 %: along the gradient itself, along random reweightings of it (each component times a uniform random
 * factor in [0, 2), over the whole image and over a 32x32 window), and at the early layers also along plain random
 * directions, over the whole image and on the 5x5 pixels around the strongest one. The layer's values are summed in
 * double, and the step is shrunk (by 4, from 1e-3 per unit of direction) until two central differences agree, so
 * that no ReLU or max pool switches inside it. At the late layers a plain random direction's derivative is too
 * small to measure that way: ONNX Runtime's float32 rounding of the forward pass exceeds 2 % of it at any step
 * small enough to switch no unit, so those layers are checked along directions that carry signal.
 */
class ModelGradientTest {

    private static final Path MODELS = Repo.models();
    private static final Path IMAGE = Repo.datasets().resolve("caltech101-iconic200/elephant/image_0003.jpg");
    private static final double TOLERANCE = 0.02;
    /** The largest finite-difference step per unit of direction, in input units (1/8 of a grey level at std 127.5). */
    private static final double STEP = 1e-3;

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({
        "mobilenet_v2_1.0_224, expanded_conv_2_depthwise, true, 224, 127.5, 127.5",
        "mobilenet_v2_1.0_224, Conv2d_18, false, 224, 127.5, 127.5",
        "squeezenet1.1, fire2, true, 224, 116.28, 57.12",
        "squeezenet1.1, fire9, false, 224, 116.28, 57.12",
        "tiny_darknet, conv2, true, 224, 0, 255",
        "tiny_darknet, conv14, false, 224, 0, 255",
        "inception_v3_mixed8, mixed, true, 299, 127.5, 127.5",
        "inception_v3_mixed8, mixed_8, false, 299, 127.5, 127.5"})
    void channelMeanGradientMatchesFiniteDifferences(String modelId, String layer, boolean early, int size, double mean,
                                                     double std) throws Exception {
        OnnxModel model = OnnxModel.read(MODELS.resolve(modelId).resolve("model.onnx"), Long.MAX_VALUE);
        long[] shape = {1, 3, size, size};
        float[] x = image(size, mean, std);
        try (GradientCheck c = new GradientCheck(model, shape, Objective.ChannelMean.of(layer))) {
            int channels = (int) c.graph().objectiveInputSize();
            float[] y = c.layer(x);
            int positions = y.length / channels;
            // the channel this photo excites most, so the gradient is far from zero
            int channel = 0;
            double best = Double.NEGATIVE_INFINITY;
            for (int ch = 0; ch < channels; ch++) {
                double m = 0;
                for (int p = 0; p < positions; p++) {
                    m += y[ch * positions + p];
                }
                if (m > best) {
                    best = m;
                    channel = ch;
                }
            }
            float[] w = new float[channels];
            w[channel] = 1;
            int chosen = channel;
            GradientCheck.Objectives f = xx -> {
                float[] l = c.layer(xx);
                double s = 0;
                for (int p = 0; p < positions; p++) {
                    s += l[chosen * positions + p];
                }
                return s / positions;
            };
            float[][] out = c.run(x, w);
            assertEquals(f.at(x), out[0][0], 1e-4 * Math.abs(f.at(x)) + 1e-6, "objective");
            float[] g = out[1];
            double gNorm = Math.sqrt(GradientCheck.dot(g, g));
            assertTrue(gNorm > 0, "the gradient is not zero");
            Random random = new Random(modelId.hashCode() * 31L + layer.hashCode());
            int strongest = 0;
            for (int i = 0; i < g.length; i++) {
                if (Math.abs(g[i]) > Math.abs(g[strongest])) {
                    strongest = i;
                }
            }
            boolean slow = size > 224;
            List<String> kinds = new ArrayList<>(List.of("along the gradient", "random reweighting of the gradient",
                    "random reweighting of the gradient on the 32x32 pixels around the strongest one"));
            if (early) {
                kinds.add("random direction");
                kinds.add("random direction on the 5x5 pixels around the strongest one");
            }
            if (slow) {
                kinds.remove(1);
            }
            StringBuilder report = new StringBuilder();
            int skipped = 0;
            for (String what : kinds) {
                float[] d = new float[g.length];
                double unit = Math.sqrt(g.length) / gNorm;
                if (what.equals("along the gradient")) {
                    for (int i = 0; i < g.length; i++) {
                        d[i] = (float) (g[i] * unit);
                    }
                } else if (what.startsWith("random reweighting")) {
                    float[] window = what.contains("32x32") ? patch(random, strongest, size, 16) : null;
                    for (int i = 0; i < g.length; i++) {
                        d[i] = window != null && window[i] == 0 ? 0 : (float) (g[i] * unit * 2 * random.nextDouble());
                    }
                } else if (what.contains("5x5")) {
                    d = patch(random, strongest, size, 2);
                } else {
                    d = GradientCheck.gaussian(random, g.length, 1);
                }
                double analytic = GradientCheck.dot(g, d);
                // g·d for d ~ N(0, I) on a support S has standard deviation |g on S|
                double typical = 0;
                for (int i = 0; i < g.length; i++) {
                    if (d[i] != 0) {
                        typical += (double) g[i] * g[i];
                    }
                }
                typical = Math.sqrt(typical);
                report.append(String.format("[%s: generated %.6g, fd", what, analytic));
                // shrink the step until central differences settle (no ReLU or max pool switching inside it)
                double previous = Double.NaN;
                Double settled = null;
                for (double epsilon = STEP; epsilon >= STEP / 1024; epsilon /= 4) {
                    double fd = GradientCheck.central(f, x, d, epsilon);
                    report.append(String.format(" %.6g", fd));
                    double allowed = TOLERANCE * Math.max(Math.abs(fd), 0.1 * typical);
                    if (Math.abs(fd - previous) <= allowed / 2) {
                        settled = fd;
                        break;
                    }
                    previous = fd;
                }
                report.append("] ");
                if (settled == null) {
                    skipped++;
                    continue;
                }
                double allowed = TOLERANCE * Math.max(Math.abs(settled), 0.1 * typical);
                assertEquals(settled, analytic, allowed, what + ": " + report);
            }
            assertTrue(skipped <= 1, "finite differences did not settle in " + skipped + " directions: " + report);
            System.out.printf("%s %s channel %d: %s%n", modelId, layer, channel, report);
        }
    }

    private static float[] patch(Random random, int at, int size, int radius) {
        int plane = size * size;
        int p = at % plane;
        int cy = p / size;
        int cx = p % size;
        float[] d = new float[3 * plane];
        for (int ch = 0; ch < 3; ch++) {
            for (int y = Math.max(0, cy - radius); y <= Math.min(size - 1, cy + radius); y++) {
                for (int x = Math.max(0, cx - radius); x <= Math.min(size - 1, cx + radius); x++) {
                    d[ch * plane + y * size + x] = (float) random.nextGaussian();
                }
            }
        }
        return d;
    }

    /** A real photo: shorter side to size / 0.875 (bilinear), centre crop, (pixel - mean) / std, NCHW. */
    static float[] image(int size, double mean, double std) throws Exception {
        BufferedImage src = ImageIO.read(IMAGE.toFile());
        double scale = size / 0.875 / Math.min(src.getWidth(), src.getHeight());
        int w = (int) Math.round(src.getWidth() * scale);
        int h = (int) Math.round(src.getHeight() * scale);
        BufferedImage resized = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = resized.createGraphics();
        gr.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        gr.drawImage(src, 0, 0, w, h, null);
        gr.dispose();
        int ox = (w - size) / 2;
        int oy = (h - size) / 2;
        float[] x = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int xx = 0; xx < size; xx++) {
                int rgb = resized.getRGB(ox + xx, oy + y);
                for (int ch = 0; ch < 3; ch++) {
                    int v = (rgb >> (16 - 8 * ch)) & 0xFF;
                    x[ch * size * size + y * size + xx] = (float) ((v - mean) / std);
                }
            }
        }
        return x;
    }
}
