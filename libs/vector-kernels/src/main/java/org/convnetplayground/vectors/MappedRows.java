package org.convnetplayground.vectors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Fixed-size rows of a file mapped read-only and little-endian, never copied into the heap. A file over 2 GB is
 * mapped as several buffers (one {@link java.nio.MappedByteBuffer} holds at most 2 GB), each holding whole rows, so
 * a row never straddles two buffers and kernels read it in one piece. The buffers are shared: read them with absolute
 * gets only. The mapping lives until the object is garbage collected (Java 17 has no supported way to unmap early),
 * which is harmless on Linux even after the file was deleted or replaced.
 */
public final class MappedRows {

    /** The most bytes one mapped buffer may hold. */
    public static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE - 8;

    private final ByteBuffer[] chunks;
    private final int size;
    private final int rowBytes;
    private final int rowsPerChunk;

    private MappedRows(ByteBuffer[] chunks, int size, int rowBytes, int rowsPerChunk) {
        this.chunks = chunks;
        this.size = size;
        this.rowBytes = rowBytes;
        this.rowsPerChunk = rowsPerChunk;
    }

    /**
     * Maps {@code rows} rows of {@code rowBytes} bytes starting {@code offset} bytes into the channel's file, in
     * buffers of at most {@code maxChunkBytes}.
     *
     * @throws IllegalArgumentException if the file is too short, there are more than {@link Integer#MAX_VALUE} rows,
     *                                  or one row is larger than a buffer
     */
    public static MappedRows map(FileChannel channel, long offset, int rowBytes, long rows, long maxChunkBytes)
            throws IOException {
        if (rowBytes < 1) {
            throw new IllegalArgumentException("a row must have at least one byte, got " + rowBytes);
        }
        if (rows < 0 || rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("row count " + rows + " is out of range");
        }
        if (offset < 0 || offset + rows * rowBytes > channel.size()) {
            throw new IllegalArgumentException("the file has " + channel.size() + " bytes, fewer than " + rows
                    + " rows of " + rowBytes + " bytes from byte " + offset);
        }
        if (rowBytes > maxChunkBytes) {
            throw new IllegalArgumentException("a row of " + rowBytes + " bytes is larger than a mapped buffer");
        }
        int rowsPerChunk = (int) Math.min(Integer.MAX_VALUE, maxChunkBytes / rowBytes);
        int count = rows == 0 ? 0 : (int) ((rows + rowsPerChunk - 1) / rowsPerChunk);
        ByteBuffer[] chunks = new ByteBuffer[count];
        for (int c = 0; c < count; c++) {
            long first = (long) c * rowsPerChunk;
            long n = Math.min(rowsPerChunk, rows - first);
            chunks[c] = channel.map(FileChannel.MapMode.READ_ONLY, offset + first * rowBytes, n * rowBytes)
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        return new MappedRows(chunks, (int) rows, rowBytes, rowsPerChunk);
    }

    /** Number of rows. */
    public int size() {
        return size;
    }

    /** Bytes of each row. */
    public int rowBytes() {
        return rowBytes;
    }

    /** Number of mapped buffers. */
    public int chunkCount() {
        return chunks.length;
    }

    /** The buffer holding row {@code i} (little-endian, shared: absolute reads only). */
    public ByteBuffer chunk(int i) {
        return chunks[i / rowsPerChunk];
    }

    /** The byte offset of row {@code i} within {@link #chunk(int)}. */
    public int offsetInChunk(int i) {
        return (i % rowsPerChunk) * rowBytes;
    }
}
