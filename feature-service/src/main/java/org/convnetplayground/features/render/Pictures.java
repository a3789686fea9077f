package org.convnetplayground.features.render;

import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Map;

/**
 * Pictures of gradients and drawn images as PNG: an RGB image, and a map laid over an image with a label naming how
 * it was made. Labels use a built-in 5x7 pixel font, so nothing depends on the fonts a server has installed.
 */
public final class Pictures {

    /** 5x7 glyphs, one row per string, '#' = ink. */
    private static final Map<Character, String[]> GLYPHS = Map.ofEntries(
            Map.entry('A', new String[] {" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"}),
            Map.entry('C', new String[] {" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "}),
            Map.entry('D', new String[] {"#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### "}),
            Map.entry('E', new String[] {"#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"}),
            Map.entry('G', new String[] {" ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####"}),
            Map.entry('H', new String[] {"#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"}),
            Map.entry('I', new String[] {" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "}),
            Map.entry('M', new String[] {"#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"}),
            Map.entry('N', new String[] {"#   #", "##  #", "# # #", "#  ##", "#   #", "#   #", "#   #"}),
            Map.entry('O', new String[] {" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "}),
            Map.entry('R', new String[] {"#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"}),
            Map.entry('S', new String[] {" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "}),
            Map.entry('T', new String[] {"#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "}),
            Map.entry('-', new String[] {"     ", "     ", "     ", "#####", "     ", "     ", "     "}),
            Map.entry(' ', new String[] {"     ", "     ", "     ", "     ", "     ", "     ", "     "}));

    private Pictures() {
    }

    /** An RGB image [3, h, w] with values in [0, 1], as PNG. */
    public static byte[] rgb(float[] image, int h, int w) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                out.setRGB(x, y, (byte8(image[p]) << 16) | (byte8(image[plane + p]) << 8) | byte8(image[2 * plane + p]));
            }
        }
        return HeatMaps.png(out);
    }

    /**
     * A map over an image: the image dimmed to grey, the map in viridis on top with opacity following the value,
     * and the label written in the top left corner on a dark band.
     *
     * @param image RGB [3, h, w] in [0, 1]
     * @param map   values in [0, 1], row-major mh x mw, enlarged bilinearly to h x w
     */
    public static byte[] overlay(float[] image, int h, int w, float[] map, int mh, int mw, String label) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                double grey = 0.299 * image[p] + 0.587 * image[plane + p] + 0.114 * image[2 * plane + p];
                double t = Math.max(0, Math.min(1, HeatMaps.sample(map, mh, mw, (y + 0.5) * mh / h - 0.5, (x + 0.5) * mw / w - 0.5)));
                int colour = HeatMaps.colour(t);
                double alpha = 0.15 + 0.75 * t;
                double base = 0.25 + 0.5 * grey;
                int r = mix(base, ((colour >> 16) & 0xFF) / 255.0, alpha);
                int g = mix(base, ((colour >> 8) & 0xFF) / 255.0, alpha);
                int b = mix(base, (colour & 0xFF) / 255.0, alpha);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        label(out, label);
        return HeatMaps.png(out);
    }

    private static int mix(double under, double over, double alpha) {
        return byte8((float) (under * (1 - alpha) + over * alpha));
    }

    /** Writes text (upper case) in white on a dark band, scaled to stay readable on large images. */
    static void label(BufferedImage image, String text) {
        String t = text.toUpperCase(Locale.ROOT);
        int scale = Math.max(1, Math.min(image.getWidth(), image.getHeight()) / 150);
        int bandH = 9 * scale;
        int bandW = Math.min(image.getWidth(), (t.length() * 6 + 3) * scale);
        for (int y = 0; y < Math.min(bandH, image.getHeight()); y++) {
            for (int x = 0; x < bandW; x++) {
                int rgb = image.getRGB(x, y);
                int r = ((rgb >> 16) & 0xFF) / 4;
                int g = ((rgb >> 8) & 0xFF) / 4;
                int b = (rgb & 0xFF) / 4;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        for (int i = 0; i < t.length(); i++) {
            String[] glyph = GLYPHS.getOrDefault(t.charAt(i), GLYPHS.get(' '));
            for (int gy = 0; gy < 7; gy++) {
                for (int gx = 0; gx < 5; gx++) {
                    if (glyph[gy].charAt(gx) != '#') {
                        continue;
                    }
                    for (int sy = 0; sy < scale; sy++) {
                        for (int sx = 0; sx < scale; sx++) {
                            int x = (2 + i * 6 + gx) * scale + sx;
                            int y = (1 + gy) * scale + sy;
                            if (x < image.getWidth() && y < image.getHeight()) {
                                image.setRGB(x, y, 0xFFFFFF);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int byte8(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }
}
