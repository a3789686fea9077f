package org.convnetplayground.vectors;

/**
 * The inner loops of every metric, over {@code len} elements of {@code a} from {@code aOff} and of
 * {@code b} from {@code bOff}. Kept behind an interface so a full scan can run on SIMD lanes when
 * the JVM offers them, while {@link #scalar()} stays the exact reference.
 *
 * <p>The scalar implementation widens to double and sums left to right, bit-for-bit like SciPy.
 * The SIMD implementation accumulates in float lanes: its results are close (relative error grows
 * with {@code len}), good for ranking but not for reporting. Inputs are assumed finite (as
 * {@link VectorMatrix} guarantees); out-of-range offsets throw {@link IndexOutOfBoundsException}.
 *
 * <p><b>Range.</b> Every finite float32 input gives a finite result wherever the true value is
 * finite, tiny and huge magnitudes alike (up to {@code Float.MAX_VALUE} and down to subnormals).
 * In double, products and squares of float32 values can neither overflow nor underflow
 * ({@code Float.MAX_VALUE}^2 is about 1e77, the smallest subnormal squared about 2e-90), so the
 * scalar sums need no scaling and stay SciPy's; float lanes have no such room, so the SIMD kernels
 * compute a result that overflowed or may have underflowed again on inputs scaled by a power of
 * two near their largest magnitude. Minkowski powers overflow or underflow even double for large
 * {@code p}: {@link #minkowski} then scales by the largest difference. The exceptions are
 * {@link #minkowskiPowerSum}, whose value itself may not fit a double, and bray-curtis, which is
 * NaN or infinite where SciPy's is ({@code 0/0}, {@code x/0}).
 */
public interface VectorKernels {

    /** Short name for logs and benchmarks, e.g. {@code "scalar"} or {@code "simd-256"}. */
    String name();

    /** {@code sum a_i * b_i}. */
    double dot(float[] a, int aOff, float[] b, int bOff, int len);

    /** {@code sum (a_i - b_i)^2}. */
    double squaredL2(float[] a, int aOff, float[] b, int bOff, int len);

    /** {@code sum |a_i - b_i|}. */
    double l1(float[] a, int aOff, float[] b, int bOff, int len);

    /** {@code max |a_i - b_i|}, 0 when {@code len == 0}. */
    double lInf(float[] a, int aOff, float[] b, int bOff, int len);

    /**
     * {@code sum |a_i - b_i|^p}, the Minkowski distance before the 1/p root; {@code p >= 1}. The sum
     * itself overflows (infinity) or underflows (0) double for large p or extreme magnitudes; use
     * {@link #minkowski} for the distance.
     */
    double minkowskiPowerSum(float[] a, int aOff, float[] b, int bOff, int len, double p);

    /**
     * The Minkowski distance {@code (sum |a_i - b_i|^p)^(1/p)}, {@code p >= 1}, finite for every
     * finite input: as {@link #minkowskiPowerSum} and a root while that sum is a normal double (then
     * the value is SciPy's), else {@code m * (sum (|a_i - b_i| / m)^p)^(1/p)} with {@code m} the
     * largest difference, every term at most 1.
     */
    default double minkowski(float[] a, int aOff, float[] b, int bOff, int len, double p) {
        if (p == 1.0) {
            return l1(a, aOff, b, bOff, len);
        }
        if (p == 2.0) {
            return Math.sqrt(squaredL2(a, aOff, b, bOff, len));
        }
        double sum = minkowskiPowerSum(a, aOff, b, bOff, len, p);
        if (sum >= ScalarKernels.SAFE_POWER_SUM && sum < Double.POSITIVE_INFINITY) {
            return Math.pow(sum, 1.0 / p);
        }
        return ScalarKernels.scaledMinkowski(a, aOff, b, bOff, len, p);
    }

    /** {@code sum |a_i - b_i| / (|a_i| + |b_i|)}, terms with a zero denominator counting 0. */
    double canberra(float[] a, int aOff, float[] b, int bOff, int len);

    /**
     * {@code sum |a_i - b_i| / sum |a_i + b_i|}, numerator and denominator in one pass: NaN for
     * 0/0 and +Infinity for x/0, as SciPy.
     */
    double brayCurtis(float[] a, int aOff, float[] b, int bOff, int len);

    /** The exact double-accumulating reference implementation. */
    static VectorKernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /**
     * The fastest implementation this JVM can run: SIMD when the {@code jdk.incubator.vector}
     * module is in the boot layer (start the JVM with {@code --add-modules jdk.incubator.vector})
     * and the system property {@code cnp.vectors.simd} is not {@code false}; otherwise
     * {@link #scalar()}. The SIMD class is loaded reflectively, so it is never loaded, and nothing
     * is thrown, when the module is absent.
     */
    static VectorKernels best() {
        return SimdClasses.instanceOr("SimdKernels", VectorKernels.class, ScalarKernels.INSTANCE);
    }
}
