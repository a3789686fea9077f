package org.convnetplayground.search.projection;

import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Exact t-SNE (van der Maaten and Hinton, 2008) for up to a few thousand points: Gaussian input affinities at a
 * fixed perplexity, a Student-t output kernel, gradient descent with momentum, per-coordinate gains and early
 * exaggeration, as in the reference implementation. Input distances are Euclidean between L2-normalised vectors,
 * which ranks neighbours as cosine does. Deterministic for a given input.
 */
public final class Tsne {

    static final double PERPLEXITY = 30;
    static final int ITERATIONS = 750;
    static final int EXAGGERATION_ITERATIONS = 250;
    static final double EXAGGERATION = 12;

    private Tsne() {
    }

    /**
     * @param rows     the data, one row per point
     * @param progress called with the iteration number (0..{@value #ITERATIONS}); may throw to stop
     * @return two coordinates per point
     */
    public static double[][] project(float[][] rows, IntConsumer progress) {
        int n = rows.length;
        double[][] y = new double[n][2];
        if (n < 3) {
            for (int i = 0; i < n; i++) {
                y[i][0] = i;
            }
            return y;
        }
        double[] p = affinities(squaredDistances(normalised(rows)), Math.min(PERPLEXITY, (n - 1) / 3.0));
        Random random = new Random(5);
        for (int i = 0; i < n; i++) {
            y[i][0] = random.nextGaussian() * 1e-4;
            y[i][1] = random.nextGaussian() * 1e-4;
        }
        double[][] velocity = new double[n][2];
        double[][] gains = new double[n][2];
        for (double[] g : gains) {
            g[0] = 1;
            g[1] = 1;
        }
        double learningRate = Math.max(n / EXAGGERATION / 4, 50);
        double[] q = new double[n * (n - 1) / 2];
        double[][] gradient = new double[n][2];
        for (int it = 0; it < ITERATIONS; it++) {
            double exaggeration = it < EXAGGERATION_ITERATIONS ? EXAGGERATION : 1;
            double momentum = it < EXAGGERATION_ITERATIONS ? 0.5 : 0.8;
            // Student-t kernel over all pairs, and its sum
            double sum = 0;
            for (int i = 0, k = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++, k++) {
                    double dx = y[i][0] - y[j][0];
                    double dy = y[i][1] - y[j][1];
                    double t = 1 / (1 + dx * dx + dy * dy);
                    q[k] = t;
                    sum += 2 * t;
                }
            }
            for (double[] g : gradient) {
                g[0] = 0;
                g[1] = 0;
            }
            for (int i = 0, k = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++, k++) {
                    double t = q[k];
                    double force = 4 * (exaggeration * p[k] - t / sum) * t;
                    double fx = force * (y[i][0] - y[j][0]);
                    double fy = force * (y[i][1] - y[j][1]);
                    gradient[i][0] += fx;
                    gradient[i][1] += fy;
                    gradient[j][0] -= fx;
                    gradient[j][1] -= fy;
                }
            }
            double mx = 0;
            double my = 0;
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 2; c++) {
                    double g = gradient[i][c];
                    gains[i][c] = Math.signum(g) != Math.signum(velocity[i][c]) ? gains[i][c] + 0.2
                            : Math.max(0.01, gains[i][c] * 0.8);
                    velocity[i][c] = momentum * velocity[i][c] - learningRate * gains[i][c] * g;
                    y[i][c] += velocity[i][c];
                }
                mx += y[i][0];
                my += y[i][1];
            }
            for (int i = 0; i < n; i++) {
                y[i][0] -= mx / n;
                y[i][1] -= my / n;
            }
            if (it % 25 == 0) {
                progress.accept(it);
            }
        }
        progress.accept(ITERATIONS);
        return y;
    }

    private static double[][] normalised(float[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double s = 0;
            for (float v : rows[i]) {
                s += (double) v * v;
            }
            double norm = s > 0 ? Math.sqrt(s) : 1;
            out[i] = new double[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j] / norm;
            }
        }
        return out;
    }

    /** Upper-triangle squared distances, pair (i, j>i) at index i*n - i*(i+1)/2 + (j - i - 1). */
    private static double[] squaredDistances(double[][] x) {
        int n = x.length;
        double[] d = new double[n * (n - 1) / 2];
        for (int i = 0, k = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++, k++) {
                double s = 0;
                double[] a = x[i];
                double[] b = x[j];
                for (int c = 0; c < a.length; c++) {
                    double t = a[c] - b[c];
                    s += t * t;
                }
                d[k] = s;
            }
        }
        return d;
    }

    /** Symmetric joint probabilities: each point's Gaussian bandwidth is searched to reach the perplexity. */
    private static double[] affinities(double[] d, double perplexity) {
        int n = (int) Math.round((1 + Math.sqrt(1 + 8.0 * d.length)) / 2);
        double[] p = new double[d.length];
        double[] row = new double[n];
        double target = Math.log(perplexity);
        for (int i = 0; i < n; i++) {
            double beta = 1;
            double lo = Double.NEGATIVE_INFINITY;
            double hi = Double.POSITIVE_INFINITY;
            for (int step = 0; step < 64; step++) {
                double sum = 0;
                double weighted = 0;
                for (int j = 0; j < n; j++) {
                    if (j == i) {
                        row[j] = 0;
                        continue;
                    }
                    double dij = d[index(i, j, n)];
                    row[j] = Math.exp(-dij * beta);
                    sum += row[j];
                    weighted += dij * row[j];
                }
                if (sum == 0) {
                    sum = 1e-300;
                }
                double entropy = Math.log(sum) + beta * weighted / sum;
                for (int j = 0; j < n; j++) {
                    row[j] /= sum;
                }
                double diff = entropy - target;
                if (Math.abs(diff) < 1e-5) {
                    break;
                }
                if (diff > 0) {
                    lo = beta;
                    beta = hi == Double.POSITIVE_INFINITY ? beta * 2 : (beta + hi) / 2;
                } else {
                    hi = beta;
                    beta = lo == Double.NEGATIVE_INFINITY ? beta / 2 : (beta + lo) / 2;
                }
            }
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    p[index(i, j, n)] += row[j];
                }
            }
        }
        double total = 0;
        for (double v : p) {
            total += v;
        }
        for (int k = 0; k < p.length; k++) {
            // p_ij = (p_j|i + p_i|j) / 2n, normalised over the full symmetric matrix
            p[k] = Math.max(p[k] / (2 * total), 1e-12);
        }
        return p;
    }

    private static int index(int i, int j, int n) {
        int a = Math.min(i, j);
        int b = Math.max(i, j);
        return a * n - a * (a + 1) / 2 + (b - a - 1);
    }
}
