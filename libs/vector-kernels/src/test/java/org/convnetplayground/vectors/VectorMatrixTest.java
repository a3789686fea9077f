package org.convnetplayground.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VectorMatrixTest {

    @Test
    void exposesShapeRowsAndValues() {
        float[] data = {1, 2, 3, 4, 5, 6};
        VectorMatrix m = VectorMatrix.of(data, 3);
        assertEquals(2, m.size());
        assertEquals(3, m.dim());
        assertArrayEquals(new float[] {4, 5, 6}, m.row(1));
        assertEquals(3f, m.get(0, 2));
        assertEquals(0, VectorMatrix.of(new float[0], 5).size());
    }

    @Test
    void isImmutable() {
        float[] data = {1, 2, 3, 4};
        VectorMatrix m = VectorMatrix.of(data, 2);
        data[0] = 99;
        m.row(0)[1] = 99;
        assertArrayEquals(new float[] {1, 2}, m.row(0));
    }

    @Test
    void rejectsBadShapesAndNonFiniteValuesNamingThem() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> VectorMatrix.of(new float[7], 3));
        assertEquals("array length 7 is not a multiple of dim 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VectorMatrix.of(new float[4], 0));
        assertEquals("dim must be >= 1, got 0", e.getMessage());
        float[] data = new float[12];
        data[7] = Float.NaN;
        data[9] = Float.POSITIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> VectorMatrix.of(data, 4));
        assertEquals("value at row 1, col 3 is NaN; only finite values are allowed",
                e.getMessage());
    }

    @Test
    void rejectsOutOfRangeIndices() {
        VectorMatrix m = VectorMatrix.of(new float[6], 3);
        assertThrows(IndexOutOfBoundsException.class, () -> m.row(2));
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(-1, 0));
    }
}
