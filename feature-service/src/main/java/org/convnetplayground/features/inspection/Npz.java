package org.convnetplayground.features.inspection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** NumPy's .npz: a zip of .npy arrays (format 1.0, little-endian float32, C order), as numpy.load reads it. */
final class Npz {

    /** An array and its shape. */
    record Array(float[] values, long[] shape) {
    }

    private Npz() {
    }

    static byte[] write(Map<String, Array> arrays) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, Array> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(npy(e.getValue()));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] npy(Array a) {
        StringJoiner dims = new StringJoiner(", ", "(", a.shape().length == 1 ? ",)" : ")");
        for (long d : a.shape()) {
            dims.add(Long.toString(d));
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + dims + ", }";
        // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n
        int unpadded = 10 + dict.length() + 1;
        int padded = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer out = ByteBuffer.allocate(padded + a.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : a.values()) {
            out.putFloat(v);
        }
        return out.array();
    }
}
