package org.convnetplayground.vectors;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable {@code size() x dim()} float32 matrix stored row-major in one array, so a full scan
 * is one sequential sweep over memory. Values are checked to be finite once, here, which lets the
 * kernels skip that check on every query.
 */
public final class VectorMatrix {
    private final float[] data;
    private final int dim;
    private final int size;

    private VectorMatrix(float[] data, int dim) {
        this.data = data;
        this.dim = dim;
        this.size = data.length / dim;
    }

    /**
     * Copies {@code rowMajor} into a new matrix of rows of length {@code dim}.
     *
     * @throws IllegalArgumentException if {@code dim < 1}, the length is not a multiple of
     *                                  {@code dim}, or a value is NaN or infinite
     */
    public static VectorMatrix of(float[] rowMajor, int dim) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        if (rowMajor.length % dim != 0) {
            throw new IllegalArgumentException("array length " + rowMajor.length
                    + " is not a multiple of dim " + dim);
        }
        float[] copy = Arrays.copyOf(rowMajor, rowMajor.length);
        for (int i = 0; i < copy.length; i++) {
            if (!Float.isFinite(copy[i])) {
                throw new IllegalArgumentException("value at row " + (i / dim) + ", col "
                        + (i % dim) + " is " + copy[i] + "; only finite values are allowed");
            }
        }
        return new VectorMatrix(copy, dim);
    }

    /** Number of rows. */
    public int size() {
        return size;
    }

    /** Length of each row. */
    public int dim() {
        return dim;
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        Objects.checkIndex(i, size);
        return Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
    }

    /** Value at row {@code i}, column {@code j}. */
    public float get(int i, int j) {
        Objects.checkIndex(i, size);
        Objects.checkIndex(j, dim);
        return data[i * dim + j];
    }

    /** The backing array, shared: callers in this package must not modify it. */
    float[] data() {
        return data;
    }

    @Override
    public String toString() {
        return "VectorMatrix[" + size + " x " + dim + "]";
    }
}
