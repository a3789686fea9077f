package org.convnetplayground.sparkextract;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * The files the search-service imports ({@code POST /api/search/collections/import}): {@code vectors.npy}, float32
 * {@code [n, d]} in C order (NumPy format 1.0, little-endian {@code '<f4'}), and {@code ids.txt}, one line
 * {@code id<TAB>label} per row in the same order; and {@code failures.tsv}, {@code id<TAB>reason} per image that could
 * not be used. Written through Hadoop's file system API, so the output folder may be local, HDFS or S3.
 */
final class OutputFiles {

    static final String VECTORS = "vectors.npy";
    static final String IDS = "ids.txt";
    static final String FAILURES = "failures.tsv";

    private final FileSystem fs;
    private final Path dir;

    OutputFiles(String dir, Configuration hadoop) throws IOException {
        Path path = new Path(dir);
        this.fs = path.getFileSystem(hadoop);
        this.dir = fs.makeQualified(path);
    }

    Path path(String name) {
        return new Path(dir, name);
    }

    /** The folder itself, qualified. */
    Path dir() {
        return dir;
    }

    FileSystem fileSystem() {
        return fs;
    }

    /**
     * Writes the vectors and ids of {@code rows} ({@code id, label, vector}, in order).
     *
     * @param n   the number of rows
     * @param dim the length of every vector
     */
    void writeVectors(long n, int dim, Iterator<Row> rows) throws IOException {
        try (OutputStream npy = new BufferedOutputStream(fs.create(path(VECTORS), true), 1 << 20);
             Writer ids = new java.io.BufferedWriter(new java.io.OutputStreamWriter(fs.create(path(IDS), true),
                     StandardCharsets.UTF_8), 1 << 16)) {
            npy.write(npyHeader(n, dim));
            ByteBuffer row = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            long written = 0;
            while (rows.hasNext()) {
                Row r = rows.next();
                List<Float> vector = r.getList(2);
                if (vector.size() != dim) {
                    throw new IllegalStateException("image '" + r.getString(0) + "' has " + vector.size()
                            + " values, the others " + dim);
                }
                row.clear();
                for (Float v : vector) {
                    row.putFloat(v);
                }
                npy.write(row.array());
                ids.write(r.getString(0));
                if (!r.isNullAt(1)) {
                    ids.write('\t');
                    ids.write(r.getString(1));
                }
                ids.write('\n');
                written++;
            }
            if (written != n) {
                throw new IllegalStateException("wrote " + written + " rows, expected " + n);
            }
        }
    }

    /** Writes {@code id<TAB>reason} lines; a reason's line breaks and tabs become spaces. */
    void writeFailures(List<String[]> failures) throws IOException {
        try (Writer out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(fs.create(path(FAILURES), true),
                StandardCharsets.UTF_8))) {
            for (String[] f : failures) {
                out.write(f[0]);
                out.write('\t');
                out.write(f[1].replaceAll("[\\t\\r\\n]+", " "));
                out.write('\n');
            }
        }
    }

    /** The NumPy 1.0 header of a little-endian float32 [n, d] array in C order, padded to 64 bytes. */
    static byte[] npyHeader(long n, int dim) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + dim + "), }";
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }
}
