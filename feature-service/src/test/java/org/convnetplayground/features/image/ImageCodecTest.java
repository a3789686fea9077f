package org.convnetplayground.features.image;

import static org.convnetplayground.features.FeatureTesting.assertProblem;
import static org.convnetplayground.features.FeatureTesting.decode;
import static org.convnetplayground.features.FeatureTesting.encode;
import static org.convnetplayground.features.FeatureTesting.noise;
import static org.convnetplayground.features.FeatureTesting.pngHeaderDeclaring;
import static org.convnetplayground.features.FeatureTesting.rgbImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.convnetplayground.features.FeatureTesting;
import org.convnetplayground.errors.DomainException;
import org.junit.jupiter.api.Test;
import org.convnetplayground.inference.image.PreprocessingSpec;
import org.convnetplayground.inference.image.ImageCodec;

/** Decoding, resizing, cropping and normalising synthetic images with known pixels, through real OpenCV. */
class ImageCodecTest {

    /** The service's default limits: 25 MiB, 50 megapixels. */
    private static final ImageCodec CODEC = new ImageCodec(26_214_400, 50_000_000);

    private static final List<Double> MEAN = List.of(10.0, 20.0, 30.0);
    private static final List<Double> STD = List.of(2.0, 4.0, 5.0);
    /** A colour whose channels differ, so that any channel mix-up shows. */
    private static final int R = 200, G = 100, B = 50;

    private static PreprocessingSpec stretch(int height, int width, boolean channelsLast, boolean bgr,
                                             List<Double> mean, List<Double> std) {
        return new PreprocessingSpec(height, width, channelsLast, bgr, mean, std, true, 0.875, "bilinear");
    }

    private static PreprocessingSpec centreCrop(int size, String interpolation) {
        return new PreprocessingSpec(size, size, false, false, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0),
                false, 0.875, interpolation);
    }

    private static float[] run(byte[] encoded, PreprocessingSpec spec) {
        FloatBuffer dst = FloatBuffer.allocate(spec.floatsPerImage());
        CODEC.preprocess(encoded, "test.png", spec, dst, 0);
        return dst.array();
    }

    private static void assertAll(float expected, float[] values, int from, int to, String what) {
        for (int i = from; i < to; i++) {
            assertEquals(expected, values[i], 1e-6f, what + " at float " + i);
        }
    }

    @Test
    void uniformColourBecomesPixelMinusMeanOverStdEverywhereInNchwRgb() {
        byte[] png = encode(rgbImage(40, 30, (x, y) -> R << 16 | G << 8 | B), "png");
        PreprocessingSpec spec = stretch(8, 6, false, false, MEAN, STD);
        float[] x = run(png, spec);
        int plane = 8 * 6;
        assertAll((R - 10) / 2f, x, 0, plane, "R plane");        // 95
        assertAll((G - 20) / 4f, x, plane, 2 * plane, "G plane"); // 20
        assertAll((B - 30) / 5f, x, 2 * plane, 3 * plane, "B plane"); // 4
    }

    @Test
    void bgrModelsGetBlueFirstWithTheirOwnMeanAndStd() {
        byte[] png = encode(rgbImage(40, 30, (x, y) -> R << 16 | G << 8 | B), "png");
        float[] x = run(png, stretch(8, 6, false, true, MEAN, STD));
        int plane = 8 * 6;
        assertAll((B - 10) / 2f, x, 0, plane, "B plane");         // 20
        assertAll((G - 20) / 4f, x, plane, 2 * plane, "G plane"); // 20
        assertAll((R - 30) / 5f, x, 2 * plane, 3 * plane, "R plane"); // 34
    }

    @Test
    void channelsLastInterleavesTheChannelsOfEachPixel() {
        byte[] png = encode(rgbImage(40, 30, (x, y) -> R << 16 | G << 8 | B), "png");
        float[] rgb = run(png, stretch(8, 6, true, false, MEAN, STD));
        float[] bgr = run(png, stretch(8, 6, true, true, MEAN, STD));
        for (int p = 0; p < 8 * 6; p++) {
            assertArrayEquals(new float[] {95, 20, 4}, Arrays.copyOfRange(rgb, 3 * p, 3 * p + 3), 1e-6f, "RGB pixel " + p);
            assertArrayEquals(new float[] {20, 20, 34}, Arrays.copyOfRange(bgr, 3 * p, 3 * p + 3), 1e-6f, "BGR pixel " + p);
        }
    }

    @Test
    void everyPixelLandsAtItsIndexInEachLayout() {
        // 6 wide x 4 high, input size equal to the image: no resampling, so each value is exactly one source pixel
        int w = 6;
        int h = 4;
        FeatureTesting.PixelColour colour = (x, y) -> (x * 40 + 1) << 16 | (y * 60 + 2) << 8 | (250 - x * 10 - y);
        byte[] png = encode(rgbImage(w, h, colour), "png");
        List<Double> zero = List.of(0.0, 0.0, 0.0);
        List<Double> one = List.of(1.0, 1.0, 1.0);
        float[] nchwRgb = run(png, stretch(h, w, false, false, zero, one));
        float[] nchwBgr = run(png, stretch(h, w, false, true, zero, one));
        float[] nhwcRgb = run(png, stretch(h, w, true, false, zero, one));
        float[] nhwcBgr = run(png, stretch(h, w, true, true, zero, one));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = colour.at(x, y);
                float[] rgb = {c >> 16 & 0xFF, c >> 8 & 0xFF, c & 0xFF};
                float[] bgr = {rgb[2], rgb[1], rgb[0]};
                for (int ch = 0; ch < 3; ch++) {
                    String at = "(" + x + "," + y + ") channel " + ch;
                    assertEquals(rgb[ch], nchwRgb[ch * w * h + y * w + x], "NCHW RGB " + at);
                    assertEquals(bgr[ch], nchwBgr[ch * w * h + y * w + x], "NCHW BGR " + at);
                    assertEquals(rgb[ch], nhwcRgb[(y * w + x) * 3 + ch], "NHWC RGB " + at);
                    assertEquals(bgr[ch], nhwcBgr[(y * w + x) * 3 + ch], "NHWC BGR " + at);
                }
            }
        }
    }

    @Test
    void writesAtTheOffsetAndNowhereElse() {
        byte[] png = encode(rgbImage(10, 10, (x, y) -> R << 16 | G << 8 | B), "png");
        PreprocessingSpec spec = stretch(2, 2, false, false, MEAN, STD);
        FloatBuffer dst = FloatBuffer.allocate(3 * spec.floatsPerImage());
        float[] sentinel = new float[dst.capacity()];
        Arrays.fill(sentinel, Float.NaN);
        dst.put(0, sentinel);
        CODEC.preprocess(png, "a.png", spec, dst, spec.floatsPerImage());
        float[] all = dst.array();
        for (int i = 0; i < all.length; i++) {
            boolean inside = i >= 12 && i < 24;
            assertEquals(inside, !Float.isNaN(all[i]), "float " + i);
        }
        assertArrayEquals(new float[] {95, 95, 95, 95, 20, 20, 20, 20, 4, 4, 4, 4}, Arrays.copyOfRange(all, 12, 24), 1e-6f);
    }

    @Test
    void everyLosslessFormatDecodesToTheSameValuesAndJpegCloseToThem() {
        BufferedImage uniform = rgbImage(24, 16, (x, y) -> R << 16 | G << 8 | B);
        PreprocessingSpec spec = stretch(4, 4, false, false, MEAN, STD);
        for (String format : List.of("png", "bmp", "gif", "tiff")) {
            float[] x = run(encode(uniform, format), spec);
            assertAll(95, x, 0, 16, format + " R");
            assertAll(20, x, 16, 32, format + " G");
            assertAll(4, x, 32, 48, format + " B");
        }
        float[] jpeg = run(encode(uniform, "jpeg"), spec);
        for (int i = 0; i < 48; i++) {
            float expected = i < 16 ? 95 : i < 32 ? 20 : 4;
            float std = i < 16 ? 2 : i < 32 ? 4 : 5;
            assertEquals(expected, jpeg[i], 4 / std, "jpeg float " + i + " within 4 grey levels");
        }
    }

    @Test
    void greyscaleImagesBecomeThreeEqualChannels() {
        BufferedImage grey = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                grey.getRaster().setSample(x, y, 0, 77);
            }
        }
        float[] x = run(encode(grey, "png"), stretch(5, 5, false, false, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0)));
        assertAll(77, x, 0, 75, "grey");
    }

    @Test
    void centreCropTakesTheMiddleSquareOfTheShorterSide() {
        // The shorter side (225) is scaled to 224 / 0.875 = 256 and the middle 224 x 224 is cut out. In source
        // pixels that square has a side of 0.875 * 225 = 196.875 (rounded: 197) and starts at
        // x = (300 - 196.875) / 2 = 51.5625 (rounded: 52), y = (225 - 196.875) / 2 = 14.0625 (rounded: 14).
        List<Integer> region = List.of(52, 14, 197, 197);
        // Paint that square blue and everything around it red: the crop must see blue only.
        FeatureTesting.PixelColour colour = (x, y) -> x >= 52 && x < 52 + 197 && y >= 14 && y < 14 + 197 ? 0x0000FF : 0xFF0000;
        byte[] png = encode(rgbImage(300, 225, colour), "png");
        PreprocessingSpec spec = centreCrop(224, "bilinear");
        FloatBuffer dst = FloatBuffer.allocate(spec.floatsPerImage());
        ImageCodec.Prepared prepared = CODEC.preprocess(png, "landscape.png", spec, dst, 0);
        assertEquals(new ImageCodec.Prepared(300, 225, region, "bilinear"), prepared, "197 px enlarged to 224: bilinear");
        int plane = 224 * 224;
        float[] x = dst.array();
        assertAll(0, x, 0, plane, "red plane (no red border may leak in)");
        assertAll(0, x, plane, 2 * plane, "green plane");
        assertAll(255, x, 2 * plane, 3 * plane, "blue plane");

        // portrait: the same square, transposed
        byte[] portrait = encode(rgbImage(225, 300, (px, py) -> 0x808080), "png");
        assertEquals(List.of(14, 52, 197, 197), CODEC.preprocess(portrait, "portrait.png", spec, dst, 0).region());

        // a larger photo is shrunk: 0.875 * 450 = 393.75 (394) from x = 103.125 (103), y = 28.125 (28), with area
        byte[] large = encode(rgbImage(600, 450, (px, py) -> 0x808080), "png");
        assertEquals(new ImageCodec.Prepared(600, 450, List.of(103, 28, 394, 394), "area"),
                CODEC.preprocess(large, "large.png", spec, dst, 0));

        // stretch uses the whole image; 300 x 225 into 320 x 320 enlarges (declared filter), into 224 x 224 shrinks (area)
        PreprocessingSpec enlarged = new PreprocessingSpec(320, 320, false, false, List.of(0.0, 0.0, 0.0),
                List.of(1.0, 1.0, 1.0), true, 0.875, "bicubic");
        assertEquals(new ImageCodec.Prepared(300, 225, List.of(0, 0, 300, 225), "bicubic"),
                CODEC.preprocess(png, "landscape.png", enlarged, FloatBuffer.allocate(enlarged.floatsPerImage()), 0));
        PreprocessingSpec shrunk = new PreprocessingSpec(224, 224, false, false, List.of(0.0, 0.0, 0.0),
                List.of(1.0, 1.0, 1.0), true, 0.875, "bicubic");
        assertEquals(new ImageCodec.Prepared(300, 225, List.of(0, 0, 300, 225), "area"),
                CODEC.preprocess(png, "landscape.png", shrunk, dst, 0));
    }

    @Test
    void theRealElephantPhotoIsCroppedLikeTheSyntheticOne() {
        ImageCodec.Prepared prepared = CODEC.preprocess(FeatureTesting.read(FeatureTesting.ELEPHANT), "elephant.jpg",
                centreCrop(224, "bilinear"), FloatBuffer.allocate(3 * 224 * 224), 0);
        assertEquals(new ImageCodec.Prepared(300, 225, List.of(52, 14, 197, 197), "bilinear"), prepared);
    }

    @Test
    void exifOrientationIsApplied() {
        // 40 wide x 20 high: left half red, right half blue. Orientation 6 = "rotate 90 degrees clockwise to display",
        // which turns it into 20 wide x 40 high with the red half on top.
        byte[] jpeg = FeatureTesting.withExif(encode(rgbImage(40, 20, (x, y) -> x < 20 ? 0xFF0000 : 0x0000FF), "jpeg"), 6,
                null);
        PreprocessingSpec spec = new PreprocessingSpec(40, 20, false, false, List.of(0.0, 0.0, 0.0),
                List.of(1.0, 1.0, 1.0), true, 0.875, "bilinear");
        FloatBuffer dst = FloatBuffer.allocate(spec.floatsPerImage());
        ImageCodec.Prepared prepared = CODEC.preprocess(jpeg, "rotated.jpg", spec, dst, 0);
        assertEquals(List.of(20, 40), List.of(prepared.width(), prepared.height()));
        float[] x = dst.array();
        int plane = 40 * 20;
        int topCentre = 5 * 20 + 10;
        int bottomCentre = 35 * 20 + 10;
        assertTrue(x[topCentre] > 200 && x[2 * plane + topCentre] < 50, "red on top: R " + x[topCentre]);
        assertTrue(x[bottomCentre] < 50 && x[2 * plane + bottomCentre] > 200, "blue below: B " + x[2 * plane + bottomCentre]);

        BufferedImage thumb = decode(CODEC.thumbnail(jpeg, "rotated.jpg", 160));
        assertEquals(List.of(20, 40), List.of(thumb.getWidth(), thumb.getHeight()), "thumbnails are upright too");
    }

    /** The header check misses this cut (see ImageFormatTest); the decoder must still refuse it. */
    @Test
    void aJpegCutJustAfterItsExifThumbnailIsRefusedAsTruncated() {
        byte[] thumbnail = encode(rgbImage(16, 12, (x, y) -> 0x808080), "jpeg");
        BufferedImage busy = rgbImage(300, 200, (x, y) -> (x * 7919 + y * 104729) & 0xFFFFFF);
        byte[] jpeg = FeatureTesting.withExif(encode(busy, "jpeg"), 1, thumbnail);
        byte[] cut = Arrays.copyOf(jpeg, 2 + 4 + 6 + 56 + thumbnail.length + 2000);
        PreprocessingSpec spec = centreCrop(32, "bilinear");
        DomainException e = assertThrows(DomainException.class,
                () -> CODEC.preprocess(cut, "cut.jpg", spec, FloatBuffer.allocate(spec.floatsPerImage()), 0));
        assertProblem(e, 400, "'cut.jpg'", "truncated");
    }

    @Test
    void aDeclaredDecompressionBombIsRefusedWith413BeforeDecoding() {
        // 20000 x 20000 = 400 M pixels declared; the file holds no image data, so decoding it would give a 400
        DomainException e = assertThrows(DomainException.class,
                () -> run(pngHeaderDeclaring(20000, 20000), centreCrop(224, "bilinear")));
        assertProblem(e, 413, "20000x20000", "400000000", "50000000");

        ImageCodec smallLimit = new ImageCodec(26_214_400, 1000);
        byte[] real = encode(rgbImage(40, 30, (x, y) -> 0), "png"); // 1200 pixels, a valid image
        DomainException small = assertThrows(DomainException.class,
                () -> smallLimit.preprocess(real, "real.png", centreCrop(16, "bilinear"), FloatBuffer.allocate(768), 0));
        assertProblem(small, 413, "40x30", "1000");
    }

    @Test
    void filesOverTheByteLimitAre413() {
        ImageCodec tiny = new ImageCodec(100, 50_000_000);
        byte[] png = encode(rgbImage(40, 30, (x, y) -> x * 1000 + y), "png");
        assertTrue(png.length > 100);
        DomainException e = assertThrows(DomainException.class, () -> tiny.thumbnail(png, "big.png", 64));
        assertProblem(e, 413, "'big.png'", String.valueOf(png.length), "100");
    }

    @Test
    void emptyRandomAndTruncatedInputsAre400WithClearMessages() {
        PreprocessingSpec spec = centreCrop(32, "bilinear");
        FloatBuffer dst = FloatBuffer.allocate(spec.floatsPerImage());

        DomainException empty = assertThrows(DomainException.class,
                () -> CODEC.preprocess(new byte[0], "empty.jpg", spec, dst, 0));
        assertProblem(empty, 400, "'empty.jpg'", "empty");

        DomainException random = assertThrows(DomainException.class,
                () -> CODEC.preprocess(noise(4096, 7), "noise.jpg", spec, dst, 0));
        assertProblem(random, 400, "'noise.jpg'", "not an image", "[JPEG, PNG, GIF, BMP, WebP, TIFF]");

        byte[] elephant = FeatureTesting.read(FeatureTesting.ELEPHANT);
        byte[] cut = Arrays.copyOf(elephant, elephant.length * 6 / 10);
        DomainException truncated = assertThrows(DomainException.class,
                () -> CODEC.preprocess(cut, "cut.jpg", spec, dst, 0));
        assertProblem(truncated, 400, "'cut.jpg'", "truncated JPEG");

        // a PNG signature and header followed by garbage
        byte[] corrupt = pngHeaderDeclaring(64, 64);
        DomainException broken = assertThrows(DomainException.class,
                () -> CODEC.preprocess(corrupt, "broken.png", spec, dst, 0));
        assertProblem(broken, 400, "'broken.png'", "PNG", "corrupt");

        byte[] png = encode(rgbImage(64, 64, (x, y) -> x * 77777 + y * 1234567), "png");
        byte[] cutPng = Arrays.copyOf(png, png.length / 2);
        DomainException truncatedPng = assertThrows(DomainException.class,
                () -> CODEC.preprocess(cutPng, "cut.png", spec, dst, 0));
        assertProblem(truncatedPng, 400, "'cut.png'");

        assertEquals("Unreadable image", truncated.title());
        assertEquals("image", truncated.parameter());
    }

    @Test
    void thumbnailsShrinkToTheLongerEdgeKeepingTheAspectRatioAndNeverEnlarge() {
        assertThumbnail(400, 300, 100, 100, 75);
        assertThumbnail(300, 400, 100, 75, 100);
        assertThumbnail(1000, 10, 100, 100, 1);
        assertThumbnail(40, 30, 160, 40, 30);   // smaller than asked: kept as is
        assertThumbnail(64, 64, 64, 64, 64);

        byte[] thumb = CODEC.thumbnail(FeatureTesting.read(FeatureTesting.ELEPHANT), "elephant.jpg", 160);
        BufferedImage image = decode(thumb);
        assertEquals(List.of(160, 120), List.of(image.getWidth(), image.getHeight()));
    }

    private static void assertThumbnail(int w, int h, int edge, int expectedW, int expectedH) {
        byte[] thumb = CODEC.thumbnail(encode(rgbImage(w, h, (x, y) -> 0x336699), "png"), "t.png", edge);
        assertEquals(0xFF, thumb[0] & 0xFF, "a JPEG");
        assertEquals(0xD8, thumb[1] & 0xFF, "a JPEG");
        BufferedImage image = decode(thumb);
        assertEquals(List.of(expectedW, expectedH), List.of(image.getWidth(), image.getHeight()),
                w + "x" + h + " at edge " + edge);
        int rgb = image.getRGB(expectedW / 2, expectedH / 2);
        assertEquals(0x33, rgb >> 16 & 0xFF, 3, "red kept");
        assertEquals(0x99, rgb & 0xFF, 3, "blue kept (not swapped with red)");
    }
}
