package org.convnetplayground.vectors;

/**
 * Vectors of chosen magnitudes (huge, tiny, subnormal, mixed), drawn as float32 bit patterns from a SplitMix64
 * stream: the same bits as {@code src/test/python/scipy_extreme_fixtures.py} draws, so that SciPy's expectations
 * ({@link ScipyExtremeFixtures}) need not carry the vectors.
 */
final class ExtremeVectors {

    private long state;

    ExtremeVectors(long seed) {
        this.state = seed;
    }

    /** The vectors of one fixture case: the query first, then the rows. */
    static float[][] fixtureCase(int size, ScipyExtremeFixtures.Magnitude magnitude) {
        ExtremeVectors random = new ExtremeVectors(ScipyExtremeFixtures.seed(size, magnitude));
        float[][] out = new float[1 + ScipyExtremeFixtures.ROWS][];
        for (int i = 0; i < out.length; i++) {
            out[i] = random.vector(size, magnitude.lowExponent, magnitude.highExponent);
        }
        return out;
    }

    /**
     * A quarter of the values zero (ReLU-like), the others with a random sign, a biased exponent from {@code low} to
     * {@code high} (0: subnormal) and a random mantissa.
     */
    float[] vector(int size, int low, int high) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            long r = next();
            if ((r & 3) == 0) {
                continue;
            }
            long sign = (r >>> 2) & 1;
            long exponent = low + Long.remainderUnsigned((r >>> 3) & 0xFFFF, high - low + 1);
            long mantissa = (r >>> 19) & 0x7FFFFF;
            v[i] = Float.intBitsToFloat((int) ((sign << 31) | (exponent << 23) | mantissa));
        }
        return v;
    }

    /** SplitMix64 (Steele, Lea and Flood), as in the Python generator. */
    long next() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
