package org.convnetplayground.catalog.filters;

import jakarta.enterprise.context.ApplicationScoped;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import org.convnetplayground.catalog.graph.Layer;
import org.convnetplayground.catalog.store.CatalogModel;
import org.convnetplayground.onnx.graph.GraphNode;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.convnetplayground.errors.InternalFailureException;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.UnknownNameException;

/**
 * Pictures of convolution filters: each filter of a Conv layer drawn as a small image, in a grid. A first-layer
 * filter sees the three colour channels, so it is drawn in colour (mid-grey is 0, brighter channels are positive
 * weights); deeper filters see many channels and are drawn as their per-position weight norm in grey.
 */
@ApplicationScoped
public class FilterImages {

    /** Pixels per filter weight in the picture. */
    private static final int MAX_CELL = 64;
    private static final int GAP = 2;

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /**
     * @param layerName a Conv layer, or null for the model's first convolution
     */
    public byte[] png(CatalogModel model, String layerName) {
        Layer layer = layerName == null ? firstConv(model) : model.table().layers().stream()
                .filter(l -> l.name().equals(layerName)).findFirst()
                .orElseThrow(() -> UnknownNameException.unknownAmong("layer", layerName, "for model '" + model.id() + "'",
                        model.table().layers().stream().filter(l -> l.op().equals("Conv")).map(Layer::name).toList(),
                        "/api/catalog/models/" + model.id() + "/layers?op=Conv"));
        if (!layer.op().equals("Conv")) {
            throw InvalidInputException.invalid("layer", layer.name(), "a Conv layer of model '" + model.id()
                    + "' (it is " + layer.op() + "); list them at /api/catalog/models/" + model.id() + "/layers?op=Conv");
        }
        return cache.computeIfAbsent(model.sha256() + "|" + layer.name(), k -> render(model, layer));
    }

    private static Layer firstConv(CatalogModel model) {
        return model.table().layers().stream().filter(l -> l.op().equals("Conv")).findFirst()
                .orElseThrow(() -> InvalidInputException.of("model '" + model.id() + "' has no Conv layer"));
    }

    private static byte[] render(CatalogModel model, Layer layer) {
        try {
            OnnxModel onnx = OnnxModel.read(model.file(), Long.MAX_VALUE);
            GraphNode node = onnx.graph().nodes().get(layer.index());
            List<Long> dims = node.weightDims().get(1);
            float[] w = onnx.initializerFloats(node.inputs().get(1)).orElseThrow(() -> new InternalFailureException(
                    "Weights unreadable", "the weights of '" + layer.name() + "' are not float32"));
            int out = dims.get(0).intValue();
            int in = dims.get(1).intValue();
            int kh = dims.get(2).intValue();
            int kw = dims.get(3).intValue();
            boolean colour = in == 3;
            boolean bgr = "BGR".equals(model.metadata().preprocessing().channelOrder());
            int cell = Math.max(2, Math.min(MAX_CELL, 48 / Math.max(kh, kw)));
            int columns = (int) Math.ceil(Math.sqrt(out * 16 / 9.0));
            int rows = (out + columns - 1) / columns;
            int fw = kw * cell;
            int fh = kh * cell;
            BufferedImage image = new BufferedImage(columns * (fw + GAP) + GAP, rows * (fh + GAP) + GAP,
                    BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(new Color(0xF3F4F6));
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            int per = in * kh * kw;
            for (int o = 0; o < out; o++) {
                int base = o * per;
                double scale = 0;
                for (int i = 0; i < per; i++) {
                    scale = Math.max(scale, Math.abs(w[base + i]));
                }
                int x0 = GAP + (o % columns) * (fw + GAP);
                int y0 = GAP + (o / columns) * (fh + GAP);
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        int rgb;
                        if (colour) {
                            int[] c = new int[3];
                            for (int ch = 0; ch < 3; ch++) {
                                double v = w[base + (ch * kh + y) * kw + x];
                                c[bgr ? 2 - ch : ch] = toByte(0.5 + (scale == 0 ? 0 : v / (2 * scale)));
                            }
                            rgb = (c[0] << 16) | (c[1] << 8) | c[2];
                        } else {
                            double norm = 0;
                            for (int ch = 0; ch < in; ch++) {
                                double v = w[base + (ch * kh + y) * kw + x];
                                norm += v * v;
                            }
                            int grey = toByte(scale == 0 ? 0 : Math.sqrt(norm / in) / scale);
                            rgb = (grey << 16) | (grey << 8) | grey;
                        }
                        g.setColor(new Color(rgb));
                        g.fillRect(x0 + x * cell, y0 + y * cell, cell, cell);
                    }
                }
            }
            g.dispose();
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(image, "png", png);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the weights of " + model.id(), e);
        }
    }

    private static int toByte(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }
}
