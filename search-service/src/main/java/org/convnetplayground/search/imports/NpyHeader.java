package org.convnetplayground.search.imports;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.convnetplayground.errors.InvalidInputException;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0 to 3.0), checked for what an import takes: a float32
 * little-endian matrix {@code [n, d]} in C order, whose data fills the rest of the file exactly. Anything else is
 * refused with a message naming what was found and what is expected.
 *
 * @param rows       n
 * @param dimension  d
 * @param dataOffset where the row-major float32 data starts
 */
public record NpyHeader(long rows, int dimension, long dataOffset) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    static final String EXPECTED = "a .npy file of float32 [n, d] in C order (numpy.save of an array with "
            + "dtype '<f4', e.g. np.save('vectors.npy', x.astype('<f4')))";

    /** Reads and checks the header of {@code file}, of {@code size} bytes. */
    public static NpyHeader read(FileChannel file) throws IOException {
        long size = file.size();
        ByteBuffer start = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        file.read(start, 0);
        start.flip();
        if (start.remaining() < 10) {
            throw invalid("it has " + size + " bytes, too few for a .npy header");
        }
        byte[] magic = new byte[6];
        start.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw invalid("it does not start with the .npy magic \\x93NUMPY");
        }
        int major = start.get() & 0xff;
        start.get();
        long headerLength;
        int prefix;
        if (major == 1) {
            headerLength = start.getShort() & 0xffff;
            prefix = 10;
        } else if (major == 2 || major == 3) {
            if (start.remaining() < 4) {
                throw invalid("its header is truncated");
            }
            headerLength = start.getInt() & 0xffffffffL;
            prefix = 12;
        } else {
            throw invalid("its format version is " + major + "; versions 1, 2 and 3 are read");
        }
        if (headerLength > MAX_HEADER || prefix + headerLength > size) {
            throw invalid("its header claims " + headerLength + " bytes, more than the file or " + MAX_HEADER
                    + " bytes");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        file.read(header, prefix);
        String text = new String(header.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, text, "descr");
        if (!descr.equals("<f4") && !(descr.equals("=f4") && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN)) {
            throw invalid("its dtype is '" + descr + "'");
        }
        if (group(FORTRAN, text, "fortran_order").equals("True")) {
            throw invalid("it is in Fortran (column-major) order");
        }
        String[] shape = group(SHAPE, text, "shape").split(",");
        java.util.List<String> dims = java.util.Arrays.stream(shape).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        if (dims.size() != 2) {
            throw invalid("its shape is (" + String.join(", ", dims) + "), not two dimensions [n, d]");
        }
        long n;
        long d;
        try {
            n = Long.parseLong(dims.get(0));
            d = Long.parseLong(dims.get(1));
        } catch (NumberFormatException e) {
            throw invalid("its shape (" + String.join(", ", dims) + ") is not two integers");
        }
        if (n < 1 || d < 1 || d > 1_000_000 || n > Integer.MAX_VALUE) {
            throw invalid("its shape is (" + n + ", " + d + "); n must be 1 to " + Integer.MAX_VALUE
                    + " and d 1 to 1000000");
        }
        long offset = prefix + headerLength;
        long expected = n * d * Float.BYTES;
        long data = size - offset;
        if (data < expected) {
            throw invalid("it is truncated: shape (" + n + ", " + d + ") needs " + expected + " bytes of data, the file "
                    + "holds " + data);
        }
        if (data > expected) {
            throw invalid("its header does not match its size: shape (" + n + ", " + d + ") needs " + expected
                    + " bytes of data, the file holds " + data);
        }
        return new NpyHeader(n, (int) d, offset);
    }

    private static String group(Pattern pattern, String text, String key) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw invalid("its header has no readable '" + key + "'");
        }
        return m.group(1);
    }

    static InvalidInputException invalid(String why) {
        return InvalidInputException.invalid("vectors", why, EXPECTED);
    }
}
