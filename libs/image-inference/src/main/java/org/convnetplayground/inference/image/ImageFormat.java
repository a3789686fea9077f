package org.convnetplayground.inference.image;

import java.util.List;
import java.util.Optional;

/**
 * Reads an image's format and declared size from its first bytes, before any decoding, so that decompression
 * bombs and non-images are refused cheaply.
 */
public final class ImageFormat {

    public static final List<String> SUPPORTED = List.of("JPEG", "PNG", "GIF", "BMP", "WebP", "TIFF");

    private ImageFormat() {
    }

    /**
     * @param format "JPEG", "PNG", ...
     * @param width  declared width, or -1 when the header does not say
     * @param height declared height, or -1
     */
    public record Header(String format, long width, long height) {
        public boolean hasSize() {
            return width > 0 && height > 0;
        }
    }

    /** The header, or empty when the bytes do not start like any supported format. */
    public static Optional<Header> probe(byte[] b) {
        if (b.length >= 3 && u8(b, 0) == 0xFF && u8(b, 1) == 0xD8 && u8(b, 2) == 0xFF) {
            return Optional.of(jpeg(b));
        }
        if (b.length >= 8 && u8(b, 0) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return Optional.of(b.length >= 24 ? new Header("PNG", be32(b, 16), be32(b, 20)) : new Header("PNG", -1, -1));
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return Optional.of(b.length >= 10 ? new Header("GIF", le16(b, 6), le16(b, 8)) : new Header("GIF", -1, -1));
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return Optional.of(b.length >= 26
                    ? new Header("BMP", Math.abs((long) le32s(b, 18)), Math.abs((long) le32s(b, 22)))
                    : new Header("BMP", -1, -1));
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return Optional.of(webp(b));
        }
        if (b.length >= 8 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0)
                || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42))) {
            return Optional.of(tiff(b));
        }
        return Optional.empty();
    }

    /**
     * True when a JPEG's segments and entropy-coded scans run on to an end-of-image marker. Walking the structure
     * (rather than looking for 0xFFD9 near the end) ignores markers inside an embedded EXIF thumbnail and allows
     * data after the image, as motion photos carry.
     */
    public static boolean jpegComplete(byte[] b) {
        int i = 2;
        while (i + 1 < b.length) {
            if (u8(b, i) != 0xFF) {
                return false;
            }
            int marker = u8(b, i + 1);
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0xD9) {
                return true;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2;
                continue;
            }
            if (i + 3 >= b.length) {
                return false;
            }
            int length = (u8(b, i + 2) << 8) | u8(b, i + 3);
            int next = i + 2 + length;
            if (length < 2 || next > b.length) {
                return false;
            }
            if (marker == 0xDA) {
                // start of scan: skip the entropy-coded data up to the next real marker
                int j = next;
                while (true) {
                    if (j + 1 >= b.length) {
                        return false;
                    }
                    if (u8(b, j) == 0xFF) {
                        int m = u8(b, j + 1);
                        if (m == 0xFF) {
                            j++;
                            continue;
                        }
                        if (m == 0x00 || (m >= 0xD0 && m <= 0xD7)) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                i = j;
                continue;
            }
            i = next;
        }
        return false;
    }

    private static Header jpeg(byte[] b) {
        int i = 2;
        while (i + 9 < b.length) {
            if (u8(b, i) != 0xFF) {
                i++;
                continue;
            }
            int marker = u8(b, i + 1);
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2;
                continue;
            }
            int length = (u8(b, i + 2) << 8) | u8(b, i + 3);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame) {
                long height = (u8(b, i + 5) << 8) | u8(b, i + 6);
                long width = (u8(b, i + 7) << 8) | u8(b, i + 8);
                return new Header("JPEG", width, height);
            }
            if (length < 2) {
                break;
            }
            i += 2 + length;
        }
        return new Header("JPEG", -1, -1);
    }

    private static Header webp(byte[] b) {
        if (b.length >= 30 && b[12] == 'V' && b[13] == 'P' && b[14] == '8') {
            if (b[15] == 'X') {
                return new Header("WebP", 1 + le24(b, 24), 1 + le24(b, 27));
            }
            if (b[15] == 'L' && b.length >= 25) {
                long bits = le32(b, 21);
                return new Header("WebP", 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF));
            }
            if (b[15] == ' ') {
                return new Header("WebP", le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF);
            }
        }
        return new Header("WebP", -1, -1);
    }

    private static Header tiff(byte[] b) {
        boolean little = b[0] == 'I';
        long ifd = little ? le32(b, 4) : be32(b, 4);
        if (ifd <= 0 || ifd + 2 > b.length) {
            return new Header("TIFF", -1, -1);
        }
        int entries = little ? le16(b, (int) ifd) : be16(b, (int) ifd);
        long width = -1;
        long height = -1;
        for (int e = 0; e < entries; e++) {
            int at = (int) ifd + 2 + e * 12;
            if (at + 12 > b.length) {
                break;
            }
            int tag = little ? le16(b, at) : be16(b, at);
            int type = little ? le16(b, at + 2) : be16(b, at + 2);
            long value = type == 3 ? (little ? le16(b, at + 8) : be16(b, at + 8)) : (little ? le32(b, at + 8) : be32(b, at + 8));
            if (tag == 256) {
                width = value;
            } else if (tag == 257) {
                height = value;
            }
        }
        return new Header("TIFF", width, height);
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int le16(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8);
    }

    private static int be16(byte[] b, int i) {
        return (u8(b, i) << 8) | u8(b, i + 1);
    }

    private static long le24(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8) | ((long) u8(b, i + 2) << 16);
    }

    private static long le32(byte[] b, int i) {
        return (u8(b, i) | (u8(b, i + 1) << 8) | (u8(b, i + 2) << 16) | ((long) u8(b, i + 3) << 24)) & 0xFFFFFFFFL;
    }

    private static int le32s(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8) | (u8(b, i + 2) << 16) | (u8(b, i + 3) << 24);
    }

    private static long be32(byte[] b, int i) {
        return (((long) u8(b, i) << 24) | (u8(b, i + 1) << 16) | (u8(b, i + 2) << 8) | u8(b, i + 3)) & 0xFFFFFFFFL;
    }
}
