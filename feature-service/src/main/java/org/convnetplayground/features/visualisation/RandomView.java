package org.convnetplayground.features.visualisation;

import java.util.Random;

/**
 * One random view of an image for a feature-visualisation step, as Lucid's standard transforms make it: the image
 * padded with mid grey, shifted by up to 6 pixels, scaled by 0.9 to 1.1 and rotated by up to 10 degrees (0 more
 * often), sampled bilinearly at the same size. {@link #adjoint} carries a gradient back through it.
 */
final class RandomView {

    private static final double PAD = 0.5;
    private static final double[] SCALES = {0.9, 0.92, 0.94, 0.96, 0.98, 1.0, 1.02, 1.04, 1.06, 1.08, 1.1};

    private final int h;
    private final int w;
    /** Per output pixel: the four source pixels (-1 outside the image) and their weights. */
    private final int[] taps;
    private final float[] weights;
    /** Per output pixel: the share of the pad colour (taps outside the image). */
    private final float[] padding;

    private RandomView(int h, int w, double angle, double scale, double tx, double ty) {
        this.h = h;
        this.w = w;
        this.taps = new int[4 * h * w];
        this.weights = new float[4 * h * w];
        this.padding = new float[h * w];
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = x - cx;
                double v = y - cy;
                double sx = (cos * u + sin * v) / scale + cx + tx;
                double sy = (-sin * u + cos * v) / scale + cy + ty;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                int p = y * w + x;
                double pad = 0;
                int[] xs = {x0, x0 + 1, x0, x0 + 1};
                int[] ys = {y0, y0, y0 + 1, y0 + 1};
                double[] ws = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
                for (int k = 0; k < 4; k++) {
                    boolean inside = xs[k] >= 0 && xs[k] < w && ys[k] >= 0 && ys[k] < h;
                    taps[4 * p + k] = inside ? ys[k] * w + xs[k] : -1;
                    weights[4 * p + k] = inside ? (float) ws[k] : 0f;
                    pad += inside ? 0 : ws[k];
                }
                padding[p] = (float) pad;
            }
        }
    }

    static RandomView random(Random random, int h, int w) {
        double scale = SCALES[random.nextInt(SCALES.length)];
        // Lucid: angles -10..10 degrees with 0 five more times
        int a = random.nextInt(26);
        double degrees = a < 21 ? a - 10 : 0;
        double tx = random.nextInt(13) - 6;
        double ty = random.nextInt(13) - 6;
        return new RandomView(h, w, Math.toRadians(degrees), scale, tx, ty);
    }

    /** The view of an image [3, h, w] in [0, 1]. */
    float[] apply(float[] image) {
        int plane = h * w;
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int base = c * plane;
            for (int p = 0; p < plane; p++) {
                double v = PAD * padding[p];
                for (int k = 0; k < 4; k++) {
                    int t = taps[4 * p + k];
                    if (t >= 0) {
                        v += weights[4 * p + k] * image[base + t];
                    }
                }
                out[base + p] = (float) v;
            }
        }
        return out;
    }

    /** The gradient with respect to the image, given the gradient with respect to its view. */
    float[] adjoint(float[] gradient) {
        int plane = h * w;
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int base = c * plane;
            for (int p = 0; p < plane; p++) {
                float g = gradient[base + p];
                for (int k = 0; k < 4; k++) {
                    int t = taps[4 * p + k];
                    if (t >= 0) {
                        out[base + t] += weights[4 * p + k] * g;
                    }
                }
            }
        }
        return out;
    }
}
