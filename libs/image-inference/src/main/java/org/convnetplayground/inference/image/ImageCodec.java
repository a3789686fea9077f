package org.convnetplayground.inference.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LANCZOS4;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.FloatBuffer;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.javacpp.IntPointer;

/**
 * Decodes images with OpenCV and turns them into model input or thumbnails. The only class that touches OpenCV:
 * every native matrix it makes is released before a method returns. Input is distrusted: the format and declared
 * size are checked from the header before any decoding. Thread-safe: one instance serves every decoding thread.
 */
public class ImageCodec {

    static {
        // images are processed in parallel by the caller; OpenCV's own threads would only compete with ONNX Runtime
        opencv_core.setNumThreads(1);
    }

    private final long maxBytes;
    private final long maxPixels;

    /**
     * @param maxBytes  the largest encoded image accepted
     * @param maxPixels the most pixels (width x height) an image may declare or decode to
     */
    public ImageCodec(long maxBytes, long maxPixels) {
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    /**
     * Decodes {@code encoded}, resizes and crops it as {@code spec} says and writes the normalised pixels into
     * {@code dst} from float index {@code offset}, in the model's layout and channel order.
     *
     * @param name how to call the image in error messages
     * @throws UnreadableImageException for non-images and corrupt images
     * @throws ImageTooLargeException    for images over the limits
     */
    public Prepared preprocess(byte[] encoded, String name, PreprocessingSpec spec, FloatBuffer dst, int offset) {
        try (Mat image = decode(encoded, name)) {
            return prepare(image, spec, dst, offset);
        }
    }

    /**
     * Like {@link #preprocess} once per patch: the image with that rectangle painted in the image's median colour
     * (its most typical tone, so hiding background adds no new content, unlike a fixed grey or the mean on a dark
     * picture), for occlusion maps. The image is decoded once.
     *
     * @param patches rectangles [x, y, width, height] in the image's own pixels; null entries leave it unchanged
     * @param dst     receives one preprocessed image per patch, from float index 0
     * @return what preprocessing did (the same for every patch)
     */
    public Prepared preprocessOccluded(byte[] encoded, String name, PreprocessingSpec spec, List<int[]> patches,
                                       FloatBuffer dst) {
        try (Mat image = decode(encoded, name); Scalar fill = medianColour(image)) {
            Prepared prepared = null;
            for (int k = 0; k < patches.size(); k++) {
                int[] r = patches.get(k);
                try (Mat copy = image.clone()) {
                    if (r != null) {
                        try (Rect rect = new Rect(r[0], r[1], r[2], r[3]); Mat patch = new Mat(copy, rect)) {
                            patch.put(fill);
                        }
                    }
                    prepared = prepare(copy, spec, dst, k * spec.floatsPerImage());
                }
            }
            return prepared;
        }
    }

    /** Per-channel median of an 8-bit BGR image, from its histogram. */
    private static Scalar medianColour(Mat bgr) {
        int n = bgr.cols() * bgr.rows();
        byte[] px = new byte[n * 3];
        try (Mat continuous = bgr.isContinuous() ? null : bgr.clone()) {
            (continuous != null ? continuous : bgr).data().get(px);
        }
        double[] median = new double[3];
        for (int c = 0; c < 3; c++) {
            int[] histogram = new int[256];
            for (int i = 0; i < n; i++) {
                histogram[px[i * 3 + c] & 0xFF]++;
            }
            int seen = 0;
            for (int v = 0; v < 256; v++) {
                seen += histogram[v];
                if (seen * 2 >= n) {
                    median[c] = v;
                    break;
                }
            }
        }
        return new Scalar(median[0], median[1], median[2], 0);
    }

    /** The decoded size of an image, [width, height], checking it as {@link #preprocess} does. */
    public List<Integer> size(byte[] encoded, String name) {
        try (Mat image = decode(encoded, name)) {
            return List.of(image.cols(), image.rows());
        }
    }

    private static Prepared prepare(Mat image, PreprocessingSpec spec, FloatBuffer dst, int offset) {
        int w = image.cols();
        int h = image.rows();
        int outW = spec.width();
        int outH = spec.height();
        // the source region that becomes the input: all of it (stretch) or the centre crop in source pixels
        double regionW = w;
        double regionH = h;
        if (!spec.stretch()) {
            double scale = Math.max(outH / (spec.cropFraction() * h), outW / (spec.cropFraction() * w));
            regionW = Math.min(w, outW / scale);
            regionH = Math.min(h, outH / scale);
        }
        int rw = Math.max(1, (int) Math.round(regionW));
        int rh = Math.max(1, (int) Math.round(regionH));
        int x0 = (int) Math.round((w - regionW) / 2.0);
        int y0 = (int) Math.round((h - regionH) / 2.0);
        x0 = Math.max(0, Math.min(x0, w - rw));
        y0 = Math.max(0, Math.min(y0, h - rh));
        // shrinking along both axes averages source pixels; enlarging along either uses the declared filter
        boolean upscaling = outW > rw || outH > rh;
        int filter = filter(spec.interpolation(), upscaling);
        try (Rect roi = new Rect(x0, y0, rw, rh);
             Mat region = new Mat(image, roi);
             Mat resized = new Mat();
             Size target = new Size(outW, outH)) {
            resize(region, resized, target, 0, 0, filter);
            writeNormalised(resized, spec, dst, offset);
        }
        return new Prepared(w, h, List.of(x0, y0, rw, rh), filterName(filter));
    }

    /**
     * A JPEG no larger than {@code maxEdge} on its longer side (never enlarged), for image grids.
     */
    public byte[] thumbnail(byte[] encoded, String name, int maxEdge) {
        try (Mat image = decode(encoded, name)) {
            double scale = Math.min(1.0, maxEdge / (double) Math.max(image.cols(), image.rows()));
            try (Mat out = new Mat()) {
                if (scale < 1.0) {
                    try (Size size = new Size(Math.max(1, (int) Math.round(image.cols() * scale)),
                            Math.max(1, (int) Math.round(image.rows() * scale)))) {
                        resize(image, out, size, 0, 0, INTER_AREA);
                    }
                } else {
                    image.copyTo(out);
                }
                try (BytePointer jpeg = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 88)) {
                    imencode(".jpg", out, jpeg, params);
                    byte[] bytes = new byte[(int) jpeg.limit()];
                    jpeg.get(bytes);
                    return bytes;
                }
            }
        }
    }

    /** Checks the header, then decodes to 8-bit BGR with EXIF orientation applied. */
    private Mat decode(byte[] encoded, String name) {
        if (encoded.length == 0) {
            throw new UnreadableImageException("'" + name + "' is empty; expected an image file ("
                    + String.join(", ", ImageFormat.SUPPORTED) + ")");
        }
        if (encoded.length > maxBytes) {
            throw tooLarge("'" + name + "' is " + encoded.length + " bytes; the limit is " + maxBytes);
        }
        ImageFormat.Header header = ImageFormat.probe(encoded).orElseThrow(() -> new UnreadableImageException(
                "'" + name + "' is not an image in a supported format; expected one of "
                        + ImageFormat.SUPPORTED));
        if (header.hasSize() && header.width() * header.height() > maxPixels) {
            throw tooLarge("'" + name + "' declares " + header.width() + "x" + header.height() + " = "
                    + header.width() * header.height() + " pixels; the limit is " + maxPixels);
        }
        if (header.format().equals("JPEG") && !ImageFormat.jpegComplete(encoded)) {
            throw new UnreadableImageException("'" + name + "' is a corrupt or truncated JPEG: its data does not run to an end-of-image marker");
        }
        Mat image;
        try (Mat raw = new Mat(encoded)) {
            image = imdecode(raw, IMREAD_COLOR);
        }
        if (image == null || image.empty()) {
            if (image != null) {
                image.close();
            }
            throw new UnreadableImageException("'" + name + "' could not be decoded as " + header.format()
                    + ": the data is corrupt or truncated");
        }
        if ((long) image.cols() * image.rows() > maxPixels) {
            image.close();
            throw tooLarge("'" + name + "' has " + (long) image.cols() * image.rows()
                    + " pixels; the limit is " + maxPixels);
        }
        return image;
    }

    private static void writeNormalised(Mat bgr, PreprocessingSpec spec, FloatBuffer dst, int offset) {
        int h = spec.height();
        int w = spec.width();
        int plane = h * w;
        byte[] px = new byte[plane * 3];
        try (Mat continuous = bgr.isContinuous() ? null : bgr.clone()) {
            (continuous != null ? continuous : bgr).data().get(px);
        }
        // OpenCV gives B, G, R; model channel c reads source channel order[c]
        int[] order = spec.bgr() ? new int[] {0, 1, 2} : new int[] {2, 1, 0};
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = (float) (1.0 / spec.std().get(c));
            shift[c] = (float) (-spec.mean().get(c) / spec.std().get(c));
        }
        float[] out = new float[plane * 3];
        if (spec.channelsLast()) {
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) {
                    out[i * 3 + c] = (px[i * 3 + order[c]] & 0xFF) * scale[c] + shift[c];
                }
            }
        } else {
            for (int c = 0; c < 3; c++) {
                int base = c * plane;
                int src = order[c];
                float s = scale[c];
                float t = shift[c];
                for (int i = 0; i < plane; i++) {
                    out[base + i] = (px[i * 3 + src] & 0xFF) * s + t;
                }
            }
        }
        dst.put(offset, out);
    }

    private static int filter(String interpolation, boolean upscaling) {
        if (interpolation.equals("nearest")) {
            return INTER_NEAREST;
        }
        if (!upscaling || interpolation.equals("area")) {
            // shrinking: average the source pixels each output pixel covers (antialiased, as PIL and torchvision do)
            return INTER_AREA;
        }
        return switch (interpolation) {
            case "bicubic" -> INTER_CUBIC;
            case "lanczos" -> INTER_LANCZOS4;
            default -> INTER_LINEAR;
        };
    }

    private static String filterName(int filter) {
        return switch (filter) {
            case INTER_NEAREST -> "nearest";
            case INTER_AREA -> "area";
            case INTER_CUBIC -> "bicubic";
            case INTER_LANCZOS4 -> "lanczos";
            default -> "bilinear";
        };
    }

    private static ImageTooLargeException tooLarge(String detail) {
        return new ImageTooLargeException(detail, "image");
    }

    /**
     * What preprocessing did to one image.
     *
     * @param width  the decoded width
     * @param height the decoded height
     * @param region the source region [x, y, width, height] that became the input
     * @param filter the resampling filter applied ("bilinear" when enlarging, "area" when shrinking, ...)
     */
    public record Prepared(int width, int height, List<Integer> region, String filter) {
    }
}
