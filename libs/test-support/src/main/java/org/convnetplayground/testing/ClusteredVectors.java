package org.convnetplayground.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Clustered, non-negative vectors like pooled CNN features, for benchmarks at scale: {@code centres} sparse
 * non-negative centres (40% of the dimensions active, exponential magnitudes; the same centres for any row count, seed
 * 7), each row = max(0, a random centre + Gaussian noise of 0.35). Deterministic for a given seed.
 */
public final class ClusteredVectors {

    private ClusteredVectors() {
    }

    /** Writes {@code rows} x {@code dim} float32 values, little-endian, row after row (no header). */
    public static void write(OutputStream out, int rows, int dim, int centres, long seed) throws IOException {
        Random centresRandom = new Random(7);
        float[][] c = new float[centres][dim];
        for (float[] centre : c) {
            for (int j = 0; j < dim; j++) {
                centre[j] = centresRandom.nextFloat() < 0.4 ? (float) -Math.log(1 - centresRandom.nextDouble()) : 0;
            }
        }
        Random random = new Random(seed);
        ByteBuffer row = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows; i++) {
            float[] centre = c[random.nextInt(centres)];
            row.clear();
            for (int j = 0; j < dim; j++) {
                row.putFloat(Math.max(0f, centre[j] + (float) (random.nextGaussian() * 0.35)));
            }
            out.write(row.array());
        }
    }
}
