package org.convnetplayground.features.render;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws activation and importance maps as PNG: values through a perceptually uniform colour map (viridis),
 * enlarged with bilinear interpolation. Plain Java imaging; nothing here decodes user input.
 */
public final class HeatMaps {

    /** Viridis at nine evenly spaced points, interpolated in between. */
    private static final int[][] VIRIDIS = {
        {68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
        {39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37}};
    private static final int GAP = 2;

    private HeatMaps() {
    }

    /** The colour map at t in [0, 1], as 0xRRGGBB. */
    public static int colour(double t) {
        double x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int i = Math.min(VIRIDIS.length - 2, (int) x);
        double f = x - i;
        int r = (int) Math.round(VIRIDIS[i][0] + f * (VIRIDIS[i + 1][0] - VIRIDIS[i][0]));
        int g = (int) Math.round(VIRIDIS[i][1] + f * (VIRIDIS[i + 1][1] - VIRIDIS[i][1]));
        int b = (int) Math.round(VIRIDIS[i][2] + f * (VIRIDIS[i + 1][2] - VIRIDIS[i][2]));
        return (r << 16) | (g << 8) | b;
    }

    /**
     * Maps side by side in a grid, row-major, each scaled to its own minimum and maximum so its pattern shows.
     *
     * @param maps    each map's values, row-major h x w
     * @param columns maps per row
     * @param cell    edge of each drawn map in pixels
     */
    public static byte[] grid(List<float[]> maps, int h, int w, int columns, int cell) {
        int rows = (maps.size() + columns - 1) / columns;
        BufferedImage image = new BufferedImage(Math.max(1, columns * (cell + GAP) - GAP), Math.max(1, rows * (cell + GAP) - GAP),
                BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, 0xFFFFFF);
            }
        }
        for (int m = 0; m < maps.size(); m++) {
            float[] v = maps.get(m);
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (float f : v) {
                lo = Math.min(lo, f);
                hi = Math.max(hi, f);
            }
            int ox = (m % columns) * (cell + GAP);
            int oy = (m / columns) * (cell + GAP);
            for (int y = 0; y < cell; y++) {
                for (int x = 0; x < cell; x++) {
                    double value = sample(v, h, w, (y + 0.5) * h / cell - 0.5, (x + 0.5) * w / cell - 0.5);
                    image.setRGB(ox + x, oy + y, colour(hi > lo ? (value - lo) / (hi - lo) : 0));
                }
            }
        }
        return png(image);
    }

    /**
     * An importance map to lay over an image: coloured where important and transparent where not (alpha follows the
     * value), values in [0, 1], drawn at width x height.
     */
    public static byte[] overlay(double[] values, int h, int w, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        float[] v = new float[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) values[i];
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double t = Math.max(0, Math.min(1, sample(v, h, w, (y + 0.5) * h / height - 0.5, (x + 0.5) * w / width - 0.5)));
                int alpha = (int) Math.round(40 + 200 * t);
                image.setRGB(x, y, (alpha << 24) | colour(t));
            }
        }
        return png(image);
    }

    /** Bilinear sample of a row-major h x w map at (y, x), clamped to its edges. */
    static double sample(float[] v, int h, int w, double y, double x) {
        double cy = Math.max(0, Math.min(h - 1, y));
        double cx = Math.max(0, Math.min(w - 1, x));
        int y0 = (int) Math.floor(cy);
        int x0 = (int) Math.floor(cx);
        int y1 = Math.min(h - 1, y0 + 1);
        int x1 = Math.min(w - 1, x0 + 1);
        double fy = cy - y0;
        double fx = cx - x0;
        double top = v[y0 * w + x0] * (1 - fx) + v[y0 * w + x1] * fx;
        double bottom = v[y1 * w + x0] * (1 - fx) + v[y1 * w + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
