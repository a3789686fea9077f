package org.convnetplayground.search.projection;

import java.util.Random;

/**
 * Principal component analysis of a few thousand rows, by power iteration on the centred data (never forming the
 * d x d covariance, so wide flattened layers stay cheap).
 */
public final class Pca {

    private static final int MAX_ITERATIONS = 300;
    private static final double TOLERANCE = 1e-10;

    private Pca() {
    }

    /**
     * @param rows the data, one row per point (all the same length)
     * @return coordinates on the first {@code components} principal axes, and the share of variance each explains
     */
    public static Result project(float[][] rows, int components) {
        int n = rows.length;
        int d = rows[0].length;
        double[] mean = new double[d];
        for (float[] r : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] x = new double[n][d];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = rows[i][j] - mean[j];
                x[i][j] = v;
                total += v * v;
            }
        }
        double[][] axes = new double[components][];
        double[] variance = new double[components];
        Random random = new Random(11);
        for (int c = 0; c < components; c++) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = random.nextGaussian();
            }
            orthogonalise(v, axes, c);
            normalise(v);
            double eigen = 0;
            for (int it = 0; it < MAX_ITERATIONS; it++) {
                double[] w = multiplyTransposed(x, multiply(x, v));
                orthogonalise(w, axes, c);
                double norm = normalise(w);
                double change = 0;
                for (int j = 0; j < d; j++) {
                    change += (w[j] - v[j]) * (w[j] - v[j]);
                }
                v = w;
                eigen = norm;
                if (change < TOLERANCE) {
                    break;
                }
            }
            axes[c] = v;
            variance[c] = total == 0 ? 0 : eigen / total;
        }
        double[][] coordinates = new double[n][components];
        for (int c = 0; c < components; c++) {
            double[] proj = multiply(x, axes[c]);
            // a deterministic sign: the point farthest along the axis lies on its positive side
            int far = 0;
            for (int i = 1; i < n; i++) {
                if (Math.abs(proj[i]) > Math.abs(proj[far])) {
                    far = i;
                }
            }
            double sign = proj[far] < 0 ? -1 : 1;
            for (int i = 0; i < n; i++) {
                coordinates[i][c] = sign * proj[i];
            }
        }
        return new Result(coordinates, variance);
    }

    /**
     * @param coordinates  one row per point, one column per component
     * @param varianceShare fraction of the total variance each component explains
     */
    public record Result(double[][] coordinates, double[] varianceShare) {
    }

    private static double[] multiply(double[][] x, double[] v) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = 0;
            double[] row = x[i];
            for (int j = 0; j < row.length; j++) {
                s += row[j] * v[j];
            }
            out[i] = s;
        }
        return out;
    }

    private static double[] multiplyTransposed(double[][] x, double[] u) {
        double[] out = new double[x[0].length];
        for (int i = 0; i < x.length; i++) {
            double ui = u[i];
            double[] row = x[i];
            for (int j = 0; j < row.length; j++) {
                out[j] += row[j] * ui;
            }
        }
        return out;
    }

    private static void orthogonalise(double[] v, double[][] axes, int count) {
        for (int c = 0; c < count; c++) {
            double dot = 0;
            for (int j = 0; j < v.length; j++) {
                dot += v[j] * axes[c][j];
            }
            for (int j = 0; j < v.length; j++) {
                v[j] -= dot * axes[c][j];
            }
        }
    }

    private static double normalise(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        double norm = Math.sqrt(s);
        if (norm > 0) {
            for (int j = 0; j < v.length; j++) {
                v[j] /= norm;
            }
        }
        return norm;
    }
}
