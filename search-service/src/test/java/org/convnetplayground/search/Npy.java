package org.convnetplayground.search;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** .npy files as numpy.save writes them (format 1.0), well-formed or deliberately not, for import tests. */
final class Npy {

    private Npy() {
    }

    /** float32 little-endian [n, d], C order. */
    static byte[] of(float[] data, int n, int d) {
        return write("{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + d + "), }", floats(data));
    }

    /** Any header text and data bytes, padded as numpy pads (the data starts at a multiple of 64). */
    static byte[] write(String dict, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    /** n lines "item-i<TAB>class-(i % 10)". */
    static String ids(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append("item-").append(i).append('\t').append("class-").append(i % 10).append('\n');
        }
        return s.toString();
    }

    /** Non-negative vectors around 40 sparse centres (pooled CNN features look like that), fixed seed. */
    static float[] clustered(int n, int d, long seed) {
        Random centresRandom = new Random(17);
        float[][] centres = new float[40][d];
        for (float[] c : centres) {
            for (int j = 0; j < d; j++) {
                c[j] = centresRandom.nextFloat() < 0.4 ? centresRandom.nextFloat() * 4 : 0;
            }
        }
        Random random = new Random(seed);
        float[] data = new float[n * d];
        for (int i = 0; i < n; i++) {
            float[] c = centres[random.nextInt(centres.length)];
            for (int j = 0; j < d; j++) {
                data[i * d + j] = Math.max(0, c[j] + (float) random.nextGaussian());
            }
        }
        return data;
    }
}
