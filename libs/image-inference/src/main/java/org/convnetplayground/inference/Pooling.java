package org.convnetplayground.inference;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.convnetplayground.errors.InvalidInputException;

/**
 * How a layer's output becomes one vector per image. A spatial map (N x C x H x W, or N x H x W x C for
 * channels-last models) is reduced over its positions to C values (average or max) or kept whole (flatten);
 * a 3-D output (N x C x L) is reduced over L; a 2-D output is already a vector.
 */
public enum Pooling {
    AVG, MAX, FLATTEN;

    public static final Pooling DEFAULT = AVG;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Pooling::id).toList();
    }

    /** The pooling named {@code name} (default when null or blank), or an invalid-input failure listing the choices. */
    public static Pooling parse(String name) {
        if (name == null || name.isBlank()) {
            return DEFAULT;
        }
        for (Pooling p : values()) {
            if (p.id().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw InvalidInputException.invalid("pooling", name, "one of " + names());
    }

    /** Values per image this pooling makes of an output of {@code shape} (batch first, batch as -1). */
    public long dimension(List<Long> shape, boolean channelsLast) {
        int rank = shape.size();
        if (this == FLATTEN || rank == 2) {
            long n = 1;
            for (int i = 1; i < rank; i++) {
                if (shape.get(i) < 0) {
                    return -1;
                }
                n *= shape.get(i);
            }
            return rank < 2 ? -1 : n;
        }
        if (rank == 3 || rank == 4) {
            return channelsLast ? shape.get(rank - 1) : shape.get(1);
        }
        return -1;
    }

    /**
     * Pools image {@code row} of a batch output into {@code dst}.
     *
     * @param shape the output's shape, batch first
     * @param data  the whole batch's values
     */
    public void pool(long[] shape, FloatBuffer data, int row, boolean channelsLast, float[] dst) {
        int perImage = 1;
        for (int i = 1; i < shape.length; i++) {
            perImage *= (int) shape[i];
        }
        int base = row * perImage;
        if (this == FLATTEN || shape.length == 2) {
            data.get(base, dst, 0, perImage);
            return;
        }
        int channels = (int) (channelsLast ? shape[shape.length - 1] : shape[1]);
        int positions = perImage / channels;
        if (channelsLast) {
            // [positions, channels]: walk memory in order, accumulate per channel
            double[] acc = new double[channels];
            if (this == MAX) {
                Arrays.fill(acc, Double.NEGATIVE_INFINITY);
            }
            for (int p = 0; p < positions; p++) {
                int at = base + p * channels;
                for (int c = 0; c < channels; c++) {
                    float v = data.get(at + c);
                    acc[c] = this == MAX ? Math.max(acc[c], v) : acc[c] + v;
                }
            }
            for (int c = 0; c < channels; c++) {
                dst[c] = (float) (this == MAX ? acc[c] : acc[c] / positions);
            }
            return;
        }
        for (int c = 0; c < channels; c++) {
            int at = base + c * positions;
            if (this == MAX) {
                float m = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < positions; p++) {
                    m = Math.max(m, data.get(at + p));
                }
                dst[c] = m;
            } else {
                double sum = 0;
                for (int p = 0; p < positions; p++) {
                    sum += data.get(at + p);
                }
                dst[c] = (float) (sum / positions);
            }
        }
    }
}
