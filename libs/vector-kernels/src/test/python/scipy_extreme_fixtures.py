"""Generates ScipyExtremeFixtures.java: SciPy's distances for vectors of huge, tiny and mixed magnitudes at the
awkward sizes the kernel tests use (1, 3, 7, ..., 4097).

Run from libs/vector-kernels (numpy 2.4, scipy 1.17):
    python3 src/test/python/scipy_extreme_fixtures.py > src/test/java/org/convnetplayground/vectors/ScipyExtremeFixtures.java

The vectors themselves are not stored: ExtremeVectors.java draws the same float32 bit patterns from the same
splitmix64 stream, so only the expectations travel. They are cdist(query[None], rows, metric) on float64 copies of the
float32 data, except minkowski, whose power sum overflows or underflows float64 for some of these cases (SciPy then
answers inf or 0): it is m * cdist(query / m, rows / m) with m the largest |query_i - row_i|, which is checked here to
agree with SciPy's own value to 1e-12 wherever that one is finite and non-zero.
"""
import numpy as np
import scipy.spatial.distance as d

from scipy_fixtures import jdoubles

METRICS = ["cosine", "euclidean", "sqeuclidean", "minkowski", "cityblock",
           "chebyshev", "correlation", "canberra", "braycurtis"]
SIZES = [1, 3, 7, 8, 13, 255, 256, 1000, 2048, 4097]
ROWS = 3
MASK = (1 << 64) - 1

# name: (lowest and highest biased float32 exponent, minkowski p). Exponent 0 is the subnormal range.
MAGNITUDES = {
    "HUGE": (240, 252, 3.0),        # about 1e34 .. 3e37: squares and cubes overflow float32
    "NEAR_MAX": (251, 254, 1000.0), # up to 3.4e38: |u - v| overflows float32, the power sum float64
    "TINY": (20, 34, 7.0),          # about 1e-32 .. 1e-28: squares underflow float32
    "SUBNORMAL": (0, 2, 15.5),      # float32 subnormals and the smallest normals
    "MIXED": (1, 254, 2.7),         # every exponent: 1e-38 next to 1e38
}


class SplitMix64:
    """Same stream as ExtremeVectors.java: Steele, Lea and Flood's SplitMix64."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def seed(size, magnitude_index):
    return size * 1000003 + magnitude_index


def vector(rng, size, lo, hi):
    """float32 values: a quarter zero (ReLU-like), else a random sign, exponent in [lo, hi] and mantissa."""
    bits = []
    for _ in range(size):
        r = rng.next()
        if r & 3 == 0:
            bits.append(0)
            continue
        sign = (r >> 2) & 1
        exponent = lo + ((r >> 3) & 0xFFFF) % (hi - lo + 1)
        mantissa = (r >> 19) & 0x7FFFFF
        bits.append((sign << 31) | (exponent << 23) | mantissa)
    return np.array(bits, dtype=np.uint32).view(np.float32)


def minkowski(q, rows, p):
    out = []
    for r in rows:
        diff = np.abs(q - r)
        m = diff.max()
        if m == 0:
            out.append(0.0)
            continue
        scaled = m * d.minkowski(q / m, r / m, p)
        with np.errstate(all="ignore"):
            direct = d.cdist(q[None, :], r[None, :], "minkowski", p=p)[0, 0]
        if np.isfinite(direct) and direct > 0:
            assert abs(direct - scaled) <= 1e-12 * direct, (direct, scaled)
        out.append(scaled)
    return np.array(out)


print("""package org.convnetplayground.vectors;

import java.util.Map;

/**
 * SciPy's distances for vectors of huge, tiny and mixed magnitudes at the awkward sizes, the vectors drawn by
 * {@link ExtremeVectors} (same bit patterns as the generator's). Minkowski is SciPy's minkowski of the vectors divided
 * by their largest difference, times it: SciPy's own value where that is finite and non-zero (checked to 1e-12 when
 * generating), the true distance where SciPy's power sum overflows or underflows.
 *
 * <p>GENERATED - do not edit. Regenerate from libs/vector-kernels with:
 * {@code python3 src/test/python/scipy_extreme_fixtures.py > src/test/java/org/convnetplayground/vectors/ScipyExtremeFixtures.java}
 * (numpy 2.4, scipy 1.17).
 */
final class ScipyExtremeFixtures {
    private ScipyExtremeFixtures() {}

    /** Sizes, as the other kernel tests use them. */
    static final int[] SIZES = {""" + ", ".join(map(str, SIZES)) + """};

    /** Rows per case (the query is drawn first, then the rows). */
    static final int ROWS = """ + str(ROWS) + """;
""")
print("    /** Magnitude classes: lowest and highest biased float32 exponent, and the minkowski p of their cases. */")
print("    enum Magnitude {")
print(",\n".join(f"        {name}({lo}, {hi}, {p!r})" for name, (lo, hi, p) in MAGNITUDES.items()) + ";")
print("""
        final int lowExponent;
        final int highExponent;
        final double p;

        Magnitude(int lowExponent, int highExponent, double p) {
            this.lowExponent = lowExponent;
            this.highExponent = highExponent;
            this.p = p;
        }
    }

    /** Seed of the case of one size and magnitude. */
    static long seed(int size, Magnitude magnitude) {
        return size * 1000003L + magnitude.ordinal();
    }

    /** Expected distances, by magnitude, size and metric: one value per row. */
    static final Map<Magnitude, Map<Integer, Map<Metric, double[]>>> EXPECTED = Map.of(""")
blocks = []
for mi, (name, (lo, hi, p)) in enumerate(MAGNITUDES.items()):
    per_size = []
    for size in SIZES:
        rng = SplitMix64(seed(size, mi))
        q = vector(rng, size, lo, hi).astype(np.float64)
        rows = np.stack([vector(rng, size, lo, hi) for _ in range(ROWS)]).astype(np.float64)
        lines = []
        for m in METRICS:
            if m == "minkowski":
                dist = minkowski(q, rows, p)
            else:
                with np.errstate(all="ignore"):
                    dist = d.cdist(q[None, :], rows, m)[0]
            lines.append(f"                Map.entry(Metric.{m.upper()}, new double[] {jdoubles(dist)})")
        per_size.append(f"            Map.entry({size}, Map.ofEntries(\n" + ",\n".join(lines) + "))")
    blocks.append(f"        Magnitude.{name}, Map.ofEntries(\n" + ",\n".join(per_size) + ")")
print(",\n".join(blocks) + ");")
print("}")
