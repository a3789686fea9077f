package org.convnetplayground.vectors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A {@code size() x dim()} float32 little-endian row-major matrix read from a file by memory mapping, never copied
 * whole into the heap. A file over 2 GB is mapped as several buffers (one {@link java.nio.MappedByteBuffer} holds at
 * most 2 GB), each holding whole rows, so a row never straddles two buffers and kernels read it in one piece.
 *
 * <p>Values are not checked here: whoever writes the file checks them (a collection is verified before it is made
 * visible). Instances are immutable and safe to share between threads; the mapping lives until the object is
 * garbage collected (Java 17 has no supported way to unmap early), which is harmless on Linux even after the file
 * was deleted or replaced.
 */
public final class MappedVectors {

    /** The most bytes one mapped buffer may hold. */
    static final long MAX_CHUNK_BYTES = MappedRows.MAX_CHUNK_BYTES;

    private final MappedRows rows;
    private final int dim;

    private MappedVectors(MappedRows rows, int dim) {
        this.rows = rows;
        this.dim = dim;
    }

    /**
     * Maps every row of {@code file}, whose length must be a multiple of {@code dim} floats.
     *
     * @throws IllegalArgumentException if the length is not a whole number of rows, or there are more than
     *                                  {@link Integer#MAX_VALUE} rows
     */
    public static MappedVectors open(Path file, int dim) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long rowBytes = (long) dim * Float.BYTES;
            if (dim < 1 || channel.size() % rowBytes != 0) {
                throw new IllegalArgumentException(file + " has " + channel.size() + " bytes, not a whole number of "
                        + dim + "-float rows");
            }
            return map(channel, 0, dim, channel.size() / rowBytes, MAX_CHUNK_BYTES);
        }
    }

    /**
     * Maps {@code rows} rows of {@code dim} floats starting {@code offset} bytes into {@code file} (an .npy file's
     * data, for example).
     */
    public static MappedVectors open(Path file, long offset, int dim, long rows) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return map(channel, offset, dim, rows, MAX_CHUNK_BYTES);
        }
    }

    /** As {@link #open(Path, int)} with smaller buffers, so that tests see several of them on small files. */
    static MappedVectors open(Path file, int dim, long maxChunkBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return map(channel, 0, dim, channel.size() / ((long) dim * Float.BYTES), maxChunkBytes);
        }
    }

    private static MappedVectors map(FileChannel channel, long offset, int dim, long rows, long maxChunkBytes)
            throws IOException {
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        return new MappedVectors(MappedRows.map(channel, offset, dim * Float.BYTES, rows, maxChunkBytes), dim);
    }

    /** Number of rows. */
    public int size() {
        return rows.size();
    }

    /** Length of each row. */
    public int dim() {
        return dim;
    }

    /** Bytes of vector data mapped. */
    public long bytes() {
        return (long) rows.size() * rows.rowBytes();
    }

    /** Number of mapped buffers (1 for files up to 2 GB). */
    public int chunkCount() {
        return rows.chunkCount();
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        float[] out = new float[dim];
        copyRow(i, out, 0);
        return out;
    }

    /** Copies row {@code i} into {@code dst} from {@code dstOff}. */
    public void copyRow(int i, float[] dst, int dstOff) {
        Objects.checkIndex(i, rows.size());
        chunk(i).asFloatBuffer().get(offsetInChunk(i) / Float.BYTES, dst, dstOff, dim);
    }

    /** Value at row {@code i}, column {@code j}. */
    public float get(int i, int j) {
        Objects.checkIndex(i, rows.size());
        Objects.checkIndex(j, dim);
        return chunk(i).getFloat(offsetInChunk(i) + j * Float.BYTES);
    }

    /** The buffer holding row {@code i} (little-endian, shared: callers in this package only read it). */
    ByteBuffer chunk(int i) {
        return rows.chunk(i);
    }

    /** The byte offset of row {@code i} within {@link #chunk(int)}. */
    int offsetInChunk(int i) {
        return rows.offsetInChunk(i);
    }

    @Override
    public String toString() {
        return "MappedVectors[" + rows.size() + " x " + dim + ", " + rows.chunkCount() + " buffer(s)]";
    }
}
