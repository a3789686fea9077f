package org.convnetplayground.features.extraction;

import static org.convnetplayground.features.FeatureTesting.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import java.util.List;
import org.convnetplayground.errors.DomainException;
import org.junit.jupiter.api.Test;
import org.convnetplayground.inference.Pooling;

/** Pooling on hand-built tensors with hand-computed results. */
class PoolingTest {

    // A batch of 2 images, 3 channels, 2x2 positions. Value of image n, channel c, position p (row-major y*2+x):
    // V[n][c][p]; image 1 has negative values in channel 2 so max cannot hide behind a zero start.
    private static final float[][][] V = {
            {{1, 2, 3, 4}, {10, 20, 30, 40}, {-1, 0, 5, 0.5f}},
            {{-4, -3, -2, -1}, {0.25f, 0.5f, 0.75f, 1}, {-8, -6, -7, -5}},
    };

    /** N x C x H x W memory order. */
    private static FloatBuffer nchw() {
        FloatBuffer b = FloatBuffer.allocate(2 * 3 * 4);
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 4; p++) {
                    b.put(V[n][c][p]);
                }
            }
        }
        return b.flip();
    }

    /** The same values in N x H x W x C memory order. */
    private static FloatBuffer nhwc() {
        FloatBuffer b = FloatBuffer.allocate(2 * 4 * 3);
        for (int n = 0; n < 2; n++) {
            for (int p = 0; p < 4; p++) {
                for (int c = 0; c < 3; c++) {
                    b.put(V[n][c][p]);
                }
            }
        }
        return b.flip();
    }

    private static final long[] NCHW_SHAPE = {2, 3, 2, 2};
    private static final long[] NHWC_SHAPE = {2, 2, 2, 3};

    private static float[] pool(Pooling pooling, long[] shape, FloatBuffer data, int row, boolean channelsLast, int dim) {
        float[] out = new float[dim];
        pooling.pool(shape, data, row, channelsLast, out);
        return out;
    }

    @Test
    void averagesEachChannelOverItsPositions() {
        // image 0: (1+2+3+4)/4, (10+20+30+40)/4, (-1+0+5+0.5)/4; image 1: -10/4, 2.5/4, -26/4
        assertArrayEquals(new float[] {2.5f, 25f, 1.125f}, pool(Pooling.AVG, NCHW_SHAPE, nchw(), 0, false, 3));
        assertArrayEquals(new float[] {-2.5f, 0.625f, -6.5f}, pool(Pooling.AVG, NCHW_SHAPE, nchw(), 1, false, 3));
    }

    @Test
    void maxPoolsEachChannelEvenWhenAllValuesAreNegative() {
        assertArrayEquals(new float[] {4, 40, 5}, pool(Pooling.MAX, NCHW_SHAPE, nchw(), 0, false, 3));
        assertArrayEquals(new float[] {-1, 1, -5}, pool(Pooling.MAX, NCHW_SHAPE, nchw(), 1, false, 3));
    }

    @Test
    void flattenKeepsEveryValueInMemoryOrder() {
        assertArrayEquals(new float[] {-4, -3, -2, -1, 0.25f, 0.5f, 0.75f, 1, -8, -6, -7, -5},
                pool(Pooling.FLATTEN, NCHW_SHAPE, nchw(), 1, false, 12));
        // channels-last flatten is the NHWC memory order: position by position, channels inside
        assertArrayEquals(new float[] {-4, 0.25f, -8, -3, 0.5f, -6, -2, 0.75f, -7, -1, 1, -5},
                pool(Pooling.FLATTEN, NHWC_SHAPE, nhwc(), 1, true, 12));
    }

    @Test
    void channelsLastGivesTheSameVectorsAsChannelsFirst() {
        for (int row = 0; row < 2; row++) {
            assertArrayEquals(pool(Pooling.AVG, NCHW_SHAPE, nchw(), row, false, 3),
                    pool(Pooling.AVG, NHWC_SHAPE, nhwc(), row, true, 3), "avg of image " + row);
            assertArrayEquals(pool(Pooling.MAX, NCHW_SHAPE, nchw(), row, false, 3),
                    pool(Pooling.MAX, NHWC_SHAPE, nhwc(), row, true, 3), "max of image " + row);
        }
        assertArrayEquals(new float[] {-2.5f, 0.625f, -6.5f}, pool(Pooling.AVG, NHWC_SHAPE, nhwc(), 1, true, 3));
    }

    @Test
    void threeDimensionalOutputsAreReducedOverTheirLastAxis() {
        // N x C x L = 1 x 2 x 3
        FloatBuffer data = FloatBuffer.wrap(new float[] {1, 2, 6, -3, -9, 0});
        assertArrayEquals(new float[] {3, -4}, pool(Pooling.AVG, new long[] {1, 2, 3}, data, 0, false, 2));
        assertArrayEquals(new float[] {6, 0}, pool(Pooling.MAX, new long[] {1, 2, 3}, data, 0, false, 2));
    }

    @Test
    void twoDimensionalOutputsAreAlreadyVectors() {
        FloatBuffer logits = FloatBuffer.wrap(new float[] {0.5f, -1, 2, 7, 3, -0.25f, 8, 1, 0, 0});
        long[] shape = {2, 5};
        for (Pooling p : Pooling.values()) {
            assertArrayEquals(new float[] {-0.25f, 8, 1, 0, 0}, pool(p, shape, logits, 1, false, 5), p.id());
            assertArrayEquals(new float[] {0.5f, -1, 2, 7, 3}, pool(p, shape, logits, 0, true, 5), p.id());
        }
    }

    @Test
    void dimensionFollowsTheShapeAndLayout() {
        List<Long> map = List.of(-1L, 256L, 4L, 4L);
        assertEquals(256, Pooling.AVG.dimension(map, false));
        assertEquals(256, Pooling.MAX.dimension(map, false));
        assertEquals(256 * 4 * 4, Pooling.FLATTEN.dimension(map, false));

        List<Long> channelsLast = List.of(-1L, 7L, 7L, 1280L);
        assertEquals(1280, Pooling.AVG.dimension(channelsLast, true));
        assertEquals(7 * 7 * 1280, Pooling.FLATTEN.dimension(channelsLast, true));

        List<Long> pooled = List.of(-1L, 1280L, 1L, 1L);
        assertEquals(1280, Pooling.AVG.dimension(pooled, false));
        assertEquals(1280, Pooling.FLATTEN.dimension(pooled, false));

        List<Long> logits = List.of(-1L, 1000L);
        for (Pooling p : Pooling.values()) {
            assertEquals(1000, p.dimension(logits, false), p.id());
            assertEquals(1000, p.dimension(logits, true), p.id());
        }
        assertEquals(64, Pooling.MAX.dimension(List.of(-1L, 64L, 49L), false));
        assertEquals(-1, Pooling.AVG.dimension(List.of(-1L, 2L, 3L, 4L, 5L), false), "5-D cannot be averaged");
        assertEquals(2 * 3 * 4 * 5, Pooling.FLATTEN.dimension(List.of(-1L, 2L, 3L, 4L, 5L), false));
    }

    @Test
    void parsesNamesCaseInsensitivelyWithAvgAsTheDefault() {
        assertSame(Pooling.AVG, Pooling.parse(null));
        assertSame(Pooling.AVG, Pooling.parse(""));
        assertSame(Pooling.AVG, Pooling.parse("  "));
        assertSame(Pooling.AVG, Pooling.parse("avg"));
        assertSame(Pooling.MAX, Pooling.parse("MAX"));
        assertSame(Pooling.FLATTEN, Pooling.parse(" Flatten "));
        assertEquals(List.of("avg", "max", "flatten"), Pooling.names());
        assertEquals("max", Pooling.MAX.id());
    }

    @Test
    void unknownNamesAre400ProblemsNamingTheChoices() {
        DomainException e = assertThrows(DomainException.class, () -> Pooling.parse("median"));
        assertProblem(e, 400, "'median'", "[avg, max, flatten]");
        assertEquals("pooling", e.parameter());
        assertEquals("median", e.value());
    }
}
