package org.convnetplayground.features.image;

import static org.convnetplayground.features.FeatureTesting.encode;
import static org.convnetplayground.features.FeatureTesting.noise;
import static org.convnetplayground.features.FeatureTesting.pngHeaderDeclaring;
import static org.convnetplayground.features.FeatureTesting.rgbImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.convnetplayground.features.FeatureTesting;
import org.junit.jupiter.api.Test;
import org.convnetplayground.inference.image.ImageFormat;

/** Format and declared size read from the first bytes of tiny files made in the test. */
class ImageFormatTest {

    private static final int W = 37;
    private static final int H = 21;
    private static final BufferedImage PICTURE = rgbImage(W, H, (x, y) -> (x * 6) << 16 | (y * 12) << 8 | 0x40);

    private static ImageFormat.Header probe(byte[] bytes) {
        Optional<ImageFormat.Header> header = ImageFormat.probe(bytes);
        assertTrue(header.isPresent(), "should be recognised: " + Arrays.toString(Arrays.copyOf(bytes, 16)));
        return header.get();
    }

    private static void assertHeader(String format, long width, long height, ImageFormat.Header header) {
        assertEquals(new ImageFormat.Header(format, width, height), header);
        assertTrue(header.hasSize());
    }

    @Test
    void readsTheSizeOfFilesWrittenByImageIo() {
        assertHeader("JPEG", W, H, probe(encode(PICTURE, "jpeg")));
        assertHeader("PNG", W, H, probe(encode(PICTURE, "png")));
        assertHeader("GIF", W, H, probe(encode(PICTURE, "gif")));
        assertHeader("BMP", W, H, probe(encode(PICTURE, "bmp")));
        assertHeader("TIFF", W, H, probe(encode(PICTURE, "tiff")));
    }

    @Test
    void findsTheJpegFrameHeaderAfterOtherSegments() {
        // SOI, APP0 (16 bytes), COM (6 bytes), fill bytes, SOF2 (progressive) declaring 640 wide x 480 high
        byte[] jpeg = bytes(0xFF, 0xD8,
                0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
                0xFF, 0xFE, 0x00, 0x06, 'h', 'e', 'l', 'o',
                0xFF, 0xFF,
                0xFF, 0xC2, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
                0xFF, 0xD9);
        assertHeader("JPEG", 640, 480, probe(jpeg));
        assertTrue(ImageFormat.jpegComplete(jpeg));
    }

    @Test
    void aJpegWithoutItsEndMarkerIsIncomplete() {
        byte[] jpeg = encode(PICTURE, "jpeg");
        assertTrue(ImageFormat.jpegComplete(jpeg));
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);
        assertHeader("JPEG", W, H, probe(truncated));
        assertFalse(ImageFormat.jpegComplete(truncated));
        // trailing padding after the end marker is tolerated
        byte[] padded = Arrays.copyOf(jpeg, jpeg.length + 100);
        assertTrue(ImageFormat.jpegComplete(padded));
    }

    @Test
    void exifSegmentsBeforeTheFrameDoNotHideTheSize() {
        byte[] thumbnail = encode(rgbImage(16, 12, (x, y) -> 0x808080), "jpeg");
        byte[] jpeg = FeatureTesting.withExif(encode(PICTURE, "jpeg"), 6, thumbnail);
        assertHeader("JPEG", W, H, probe(jpeg));
        assertTrue(ImageFormat.jpegComplete(jpeg));
    }

    @Test
    void aJpegCutJustAfterItsExifThumbnailIsIncomplete() {
        byte[] thumbnail = encode(rgbImage(16, 12, (x, y) -> 0x808080), "jpeg");
        BufferedImage busy = rgbImage(300, 200, (x, y) -> (x * 7919 + y * 104729) & 0xFFFFFF);
        byte[] jpeg = FeatureTesting.withExif(encode(busy, "jpeg"), 1, thumbnail);
        int thumbnailEnd = 2 + 4 + 6 + 56 + thumbnail.length;
        assertTrue(jpeg.length > thumbnailEnd + 5000, "the main image is much longer than the cut");
        byte[] cut = Arrays.copyOf(jpeg, thumbnailEnd + 2000);
        assertFalse(ImageFormat.jpegComplete(cut), "cut " + (jpeg.length - cut.length) + " bytes before the real end");
    }

    @Test
    void aJpegWithoutAFrameHeaderHasNoSize() {
        ImageFormat.Header header = probe(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0));
        assertEquals("JPEG", header.format());
        assertFalse(header.hasSize());
    }

    @Test
    void readsTopDownBitmaps() {
        byte[] bmp = encode(PICTURE, "bmp");
        ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(22, -H); // negative height = top-down rows
        assertHeader("BMP", W, H, probe(bmp));
    }

    @Test
    void readsBigAndLittleEndianTiffWithShortAndLongSizes() {
        // little-endian, IFD at 8, two entries: ImageWidth SHORT 300, ImageLength LONG 70000
        ByteBuffer le = ByteBuffer.allocate(8 + 2 + 2 * 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
        le.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) 2);
        le.putShort((short) 256).putShort((short) 3).putInt(1).putShort((short) 300).putShort((short) 0);
        le.putShort((short) 257).putShort((short) 4).putInt(1).putInt(70000);
        assertHeader("TIFF", 300, 70000, probe(le.array()));

        ByteBuffer be = ByteBuffer.allocate(8 + 2 + 2 * 12 + 4).order(ByteOrder.BIG_ENDIAN);
        be.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8).putShort((short) 2);
        be.putShort((short) 256).putShort((short) 4).putInt(1).putInt(1234);
        be.putShort((short) 257).putShort((short) 3).putInt(1).putShort((short) 567).putShort((short) 0);
        assertHeader("TIFF", 1234, 567, probe(be.array()));

        // an IFD offset past the end: a TIFF, size unknown
        ImageFormat.Header lost = probe(bytes('I', 'I', 42, 0, 0xFF, 0xFF, 0, 0));
        assertEquals("TIFF", lost.format());
        assertFalse(lost.hasSize());
    }

    @Test
    void readsTheThreeKindsOfWebP() {
        // lossy: "VP8 " chunk, frame tag (3 bytes), start code 9D 01 2A, 14-bit width and height (+2 scale bits)
        ByteBuffer lossy = webp("VP8 ", 30);
        lossy.put(20, new byte[] {0x50, 0x02, 0x00, (byte) 0x9D, 0x01, 0x2A});
        lossy.putShort(26, (short) (400 | 0x4000)).putShort(28, (short) 301); // scale bits must be masked off
        assertHeader("WebP", 400, 301, probe(lossy.array()));

        // lossless: "VP8L" chunk, signature 0x2F, then (width-1) in 14 bits and (height-1) in the next 14
        ByteBuffer lossless = webp("VP8L", 30);
        lossless.put(20, (byte) 0x2F);
        lossless.putInt(21, (1000 - 1) | (750 - 1) << 14);
        assertHeader("WebP", 1000, 750, probe(lossless.array()));

        // extended: "VP8X" chunk, flags + 3 reserved bytes, then (width-1) and (height-1) in 24 bits each
        ByteBuffer extended = webp("VP8X", 30);
        extended.put(24, new byte[] {(byte) 0x1F, 0x4E, 0x00}); // 19999 + 1 = 20000
        extended.put(27, new byte[] {(byte) 0x0F, 0x27, 0x00}); // 9999 + 1 = 10000
        assertHeader("WebP", 20000, 10000, probe(extended.array()));

        ImageFormat.Header unknownChunk = probe(webp("ALPH", 30).array());
        assertEquals("WebP", unknownChunk.format());
        assertFalse(unknownChunk.hasSize());
    }

    @Test
    void readsAPngHeaderWithoutItsData() {
        assertHeader("PNG", 20000, 20000, probe(pngHeaderDeclaring(20000, 20000)));
        ImageFormat.Header cut = probe(Arrays.copyOf(pngHeaderDeclaring(5, 5), 12));
        assertEquals("PNG", cut.format());
        assertFalse(cut.hasSize());
    }

    @Test
    void nonImagesAreNotRecognised() {
        for (long seed = 1; seed <= 20; seed++) {
            assertEquals(Optional.empty(), ImageFormat.probe(noise(512, seed)), "noise with seed " + seed);
        }
        assertEquals(Optional.empty(), ImageFormat.probe(new byte[0]));
        assertEquals(Optional.empty(), ImageFormat.probe(new byte[] {(byte) 0xFF}));
        assertEquals(Optional.empty(), ImageFormat.probe("<html><body>not an image</body></html>"
                .getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), ImageFormat.probe("{\"image\": \"elephant.jpg\"}".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), ImageFormat.probe(FeatureTesting.read(
                FeatureTesting.datasetDir(FeatureTesting.CALTECH).resolve("PROVENANCE.md"))));
        assertEquals(Optional.empty(), ImageFormat.probe("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)),
                "a RIFF that is not WebP");
    }

    @Test
    void readsRealDatasetPhotos() {
        // caltech101-iconic200/elephant/image_0001.jpg is 300 wide, 225 high (see its manifest.tsv)
        assertHeader("JPEG", 300, 225, probe(FeatureTesting.read(FeatureTesting.ELEPHANT)));
        assertTrue(ImageFormat.jpegComplete(FeatureTesting.read(FeatureTesting.ELEPHANT)));
    }

    private static ByteBuffer webp(String chunk, int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(length - 8).put("WEBP".getBytes(StandardCharsets.US_ASCII))
                .put(chunk.getBytes(StandardCharsets.US_ASCII)).putInt(length - 20);
        return b;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
