package org.convnetplayground.features.visualisation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.inference.image.PreprocessingSpec;
import org.convnetplayground.features.model.ModelInfo;
import org.convnetplayground.features.onnx.GradientSessions;
import org.convnetplayground.onnx.gradient.FourierImage;
import org.convnetplayground.onnx.gradient.GradientGraph;
import org.convnetplayground.onnx.gradient.GradientGraphs;
import org.convnetplayground.onnx.gradient.Objective;
import org.convnetplayground.onnx.graph.OnnxModel;

/**
 * What a channel draws: gradient ascent on an image to maximise the channel's mean activation, as Lucid and OpenAI
 * Microscope do it. The image is parametrised in decorrelated Fourier space ({@link FourierImage}, Lucid's colour
 * decorrelation, a sigmoid to [0, 1]); each step looks at a random view of it (jitter, scale, rotation:
 * {@link RandomView}), and Adam follows the gradient that the generated backward graphs give. Seeded, so the same
 * settings draw the same image.
 */
@ApplicationScoped
public class FeatureVisualiser {

    /** Lucid's colour_correlation_svd_sqrt, divided by the largest norm of its columns. */
    private static final double[][] COLOUR;
    private static final double INITIAL_SPREAD = 0.01;

    static {
        double[][] svdSqrt = {{0.26, 0.09, 0.02}, {0.27, 0.00, -0.05}, {0.27, -0.09, 0.03}};
        double max = 0;
        for (int j = 0; j < 3; j++) {
            double n = 0;
            for (int i = 0; i < 3; i++) {
                n += svdSqrt[i][j] * svdSqrt[i][j];
            }
            max = Math.max(max, Math.sqrt(n));
        }
        COLOUR = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                COLOUR[i][j] = svdSqrt[i][j] / max;
            }
        }
    }

    private final ModelGradients gradients;
    private final GradientSessions sessions;
    private final double learningRate;

    @Inject
    public FeatureVisualiser(ModelGradients gradients, GradientSessions sessions, FeatureConfig config) {
        this.gradients = gradients;
        this.sessions = sessions;
        this.learningRate = config.gradients().learningRate();
    }

    /** Sees the optimisation as it goes. */
    public interface Progress {
        /**
         * Called after each step.
         *
         * @param image the current image [3, h, w] in [0, 1] (RGB), or null when it is not worth drawing yet
         */
        void step(int done, int total, float[] image);

        /** Steps between two images handed to {@link #step}. */
        default int imageEvery() {
            return 16;
        }
    }

    /**
     * The drawn image and how strongly it excites the channel.
     *
     * @param image      [3, h, w] RGB in [0, 1], at the model's input size
     * @param activation the channel's mean activation on the image quantised to 8 bits (as the PNG holds it), seen
     *                   as the model sees it
     */
    public record Drawn(float[] image, int height, int width, double activation) {
    }

    /**
     * @param channel already checked to be a channel of the layer
     */
    public Drawn draw(ModelInfo model, String layer, int channel, int steps, long seed, Progress progress) {
        PreprocessingSpec spec = model.preprocessing();
        int h = spec.height();
        int w = spec.width();
        long[] spectrumShape = FourierImage.spectrumShape(h, w);
        int size = (int) (spectrumShape[0] * spectrumShape[1] * spectrumShape[2]);
        Random random = new Random(seed);
        float[] spectrum = new float[size];
        for (int i = 0; i < size; i++) {
            spectrum[i] = (float) (random.nextGaussian() * INITIAL_SPREAD);
        }
        Objective objective = new Objective.ChannelMean(layer, spec.channelsLast(), null);
        try (GradientSessions.Graph fourier = sessions.open("fourier|" + h + "x" + w, () -> FourierImage.graph(h, w));
             GradientSessions.Graph fourierBack = sessions.open("fourier-vjp|" + h + "x" + w, () ->
                     GradientGraphs.generate(OnnxModel.parse(FourierImage.graph(h, w)), spectrumShape,
                             new Objective.Weighted(FourierImage.IMAGE, false), List.of()).model());
             ModelGradients.Handle climb = gradients.open(model, objective, List.of())) {
            float[] weights = new float[climb.objectiveSize()];
            weights[channel] = 1;
            Adam adam = new Adam(size, learningRate);
            for (int step = 0; step < steps; step++) {
                float[] linear = fourier.run(Map.of(FourierImage.SPECTRUM, new GradientSessions.Tensor(spectrum,
                        spectrumShape)), Set.of(FourierImage.IMAGE)).get(FourierImage.IMAGE);
                float[] rgb = toRgb(linear);
                RandomView view = RandomView.random(random, h, w);
                float[] seen = view.apply(rgb);
                float[] dInput = climb.run(toInput(seen, spec), weights).gradient();
                float[] dRgb = view.adjoint(fromInput(dInput, spec));
                float[] dLinear = backToLinear(dRgb, rgb);
                float[] dSpectrum = fourierBack.run(Map.of(
                        FourierImage.SPECTRUM, new GradientSessions.Tensor(spectrum, spectrumShape),
                        GradientGraph.SEED, new GradientSessions.Tensor(dLinear, new long[] {1, 3, h, w})),
                        Set.of(GradientGraph.GRADIENT)).get(GradientGraph.GRADIENT);
                adam.ascend(spectrum, dSpectrum);
                boolean last = step == steps - 1;
                progress.step(step + 1, steps, last || (step + 1) % progress.imageEvery() == 0 ? rgb : null);
            }
            float[] image = toRgb(fourier.run(Map.of(FourierImage.SPECTRUM, new GradientSessions.Tensor(spectrum,
                    spectrumShape)), Set.of(FourierImage.IMAGE)).get(FourierImage.IMAGE));
            for (int i = 0; i < image.length; i++) {
                image[i] = Math.round(image[i] * 255f) / 255f;
            }
            double activation = climb.run(toInput(image, spec), weights).objective()[0];
            return new Drawn(image, h, w, activation);
        }
    }

    /** Lucid's to_valid_rgb: colour decorrelation, then a sigmoid. */
    static float[] toRgb(float[] linear) {
        int plane = linear.length / 3;
        float[] rgb = new float[linear.length];
        for (int p = 0; p < plane; p++) {
            for (int i = 0; i < 3; i++) {
                double v = COLOUR[i][0] * linear[p] + COLOUR[i][1] * linear[plane + p] + COLOUR[i][2] * linear[2 * plane + p];
                rgb[i * plane + p] = (float) (1 / (1 + Math.exp(-v)));
            }
        }
        return rgb;
    }

    private static float[] backToLinear(float[] dRgb, float[] rgb) {
        int plane = rgb.length / 3;
        float[] out = new float[rgb.length];
        for (int p = 0; p < plane; p++) {
            double[] pre = new double[3];
            for (int i = 0; i < 3; i++) {
                double s = rgb[i * plane + p];
                pre[i] = dRgb[i * plane + p] * s * (1 - s);
            }
            for (int j = 0; j < 3; j++) {
                out[j * plane + p] = (float) (COLOUR[0][j] * pre[0] + COLOUR[1][j] * pre[1] + COLOUR[2][j] * pre[2]);
            }
        }
        return out;
    }

    /** RGB [3, h, w] in [0, 1] to the model's input: (255 x - mean) / std, in its channel order and layout. */
    static float[] toInput(float[] rgb, PreprocessingSpec spec) {
        int plane = spec.height() * spec.width();
        float[] x = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int source = spec.bgr() ? 2 - c : c;
            float mean = spec.mean().get(c).floatValue();
            float std = spec.std().get(c).floatValue();
            for (int p = 0; p < plane; p++) {
                float v = (rgb[source * plane + p] * 255f - mean) / std;
                x[spec.channelsLast() ? p * 3 + c : c * plane + p] = v;
            }
        }
        return x;
    }

    /** The gradient with respect to the model's input, as a gradient with respect to the RGB image in [0, 1]. */
    static float[] fromInput(float[] dx, PreprocessingSpec spec) {
        int plane = spec.height() * spec.width();
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int target = spec.bgr() ? 2 - c : c;
            float factor = 255f / spec.std().get(c).floatValue();
            for (int p = 0; p < plane; p++) {
                out[target * plane + p] = dx[spec.channelsLast() ? p * 3 + c : c * plane + p] * factor;
            }
        }
        return out;
    }

    /** Adam (Kingma and Ba) climbing the objective. */
    private static final class Adam {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final double EPSILON = 1e-8;
        private final double rate;
        private final double[] m;
        private final double[] v;
        private int t;

        Adam(int n, double rate) {
            this.rate = rate;
            this.m = new double[n];
            this.v = new double[n];
        }

        void ascend(float[] params, float[] gradient) {
            t++;
            double c1 = 1 - Math.pow(BETA1, t);
            double c2 = 1 - Math.pow(BETA2, t);
            for (int i = 0; i < params.length; i++) {
                double g = gradient[i];
                m[i] = BETA1 * m[i] + (1 - BETA1) * g;
                v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
                params[i] += (float) (rate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON));
            }
        }
    }
}
