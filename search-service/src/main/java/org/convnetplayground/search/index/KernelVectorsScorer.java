package org.convnetplayground.search.index;

import java.io.IOException;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.codecs.hnsw.ScalarQuantizedVectorScorer;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.apache.lucene.util.quantization.RandomAccessQuantizedByteVectorValues;
import org.convnetplayground.vectors.GraphKernels;

/**
 * Lucene's scores of flat vectors computed with this project's {@link GraphKernels} (SIMD on Java 17, where Lucene
 * 9.12's own Panama code needs Java 21 and falls back to plain loops): the same similarity functions, the same
 * score formulas, so a graph built or searched with it is the graph Lucene's scorer would give, up to float rounding
 * of float sums (int8 sums are exact, so quantized scores are Lucene's bit for bit).
 *
 * <p>Served here: float vectors under dot product, euclidean and maximum inner product; Lucene's 7-bit
 * scalar-quantized vectors under every similarity. Everything else (cosine over raw floats, 4-bit quantization,
 * byte-encoded fields) goes to Lucene's own scorers, so every field is scored correctly.
 */
final class KernelVectorsScorer implements FlatVectorsScorer {

    private final GraphKernels kernels;
    private final FlatVectorsScorer floats = DefaultFlatVectorScorer.INSTANCE;
    private final FlatVectorsScorer quantized = new Lucene99ScalarQuantizedVectorScorer(DefaultFlatVectorScorer.INSTANCE);

    KernelVectorsScorer(GraphKernels kernels) {
        this.kernels = kernels;
    }

    /** The kernels it scores with. */
    GraphKernels kernels() {
        return kernels;
    }

    @Override
    public RandomVectorScorerSupplier getRandomVectorScorerSupplier(VectorSimilarityFunction similarity,
            RandomAccessVectorValues values) throws IOException {
        if (values instanceof RandomAccessQuantizedByteVectorValues) {
            RandomAccessQuantizedByteVectorValues q = (RandomAccessQuantizedByteVectorValues) values;
            if (servesQuantized(q)) {
                return new QuantizedSupplier(q, similarity);
            }
            return quantized.getRandomVectorScorerSupplier(similarity, values);
        }
        if (values instanceof RandomAccessVectorValues.Floats && servesFloats(similarity)) {
            return new FloatSupplier((RandomAccessVectorValues.Floats) values, similarity);
        }
        return floats.getRandomVectorScorerSupplier(similarity, values);
    }

    @Override
    public RandomVectorScorer getRandomVectorScorer(VectorSimilarityFunction similarity,
            RandomAccessVectorValues values, float[] target) throws IOException {
        if (target.length != values.dimension()) {
            throw new IllegalArgumentException("vector query dimension: " + target.length
                    + " differs from field dimension: " + values.dimension());
        }
        if (values instanceof RandomAccessQuantizedByteVectorValues) {
            RandomAccessQuantizedByteVectorValues q = (RandomAccessQuantizedByteVectorValues) values;
            if (!servesQuantized(q)) {
                return quantized.getRandomVectorScorer(similarity, values, target);
            }
            byte[] bytes = new byte[target.length];
            float offset = ScalarQuantizedVectorScorer.quantizeQuery(target, bytes, similarity, q.getScalarQuantizer());
            return new QuantizedScorer(q, similarity, bytes, offset);
        }
        if (values instanceof RandomAccessVectorValues.Floats && servesFloats(similarity)) {
            return new FloatScorer((RandomAccessVectorValues.Floats) values, similarity, target);
        }
        return floats.getRandomVectorScorer(similarity, values, target);
    }

    @Override
    public RandomVectorScorer getRandomVectorScorer(VectorSimilarityFunction similarity,
            RandomAccessVectorValues values, byte[] target) throws IOException {
        return floats.getRandomVectorScorer(similarity, values, target);
    }

    private static boolean servesQuantized(RandomAccessQuantizedByteVectorValues values) {
        return values.getScalarQuantizer().getBits() == 7;
    }

    private static boolean servesFloats(VectorSimilarityFunction similarity) {
        return similarity != VectorSimilarityFunction.COSINE;
    }

    /** Lucene's float score of {@code a} and {@code b} ({@code VectorSimilarityFunction.compare}). */
    private float floatScore(VectorSimilarityFunction similarity, float[] a, float[] b) {
        switch (similarity) {
            case EUCLIDEAN:
                return 1 / (1 + kernels.squareDistance(a, b));
            case DOT_PRODUCT:
                return Math.max((1 + kernels.dot(a, b)) / 2, 0);
            case MAXIMUM_INNER_PRODUCT:
                return VectorUtil.scaleMaxInnerProductScore(kernels.dot(a, b));
            default:
                throw new IllegalArgumentException("not served here: " + similarity);
        }
    }

    /**
     * Lucene's score of two 7-bit quantized vectors ({@code Lucene99ScalarQuantizedVectorScorer}): the int8 dot
     * product scaled by the quantizer's constant plus both vectors' offset corrections, or the scaled squared
     * distance under euclidean.
     */
    private float quantizedScore(VectorSimilarityFunction similarity, float multiplier, byte[] a, float aOffset,
                                 byte[] b, float bOffset) {
        if (similarity == VectorSimilarityFunction.EUCLIDEAN) {
            return 1 / (1f + kernels.squareDistance(a, b) * multiplier);
        }
        float adjusted = kernels.dot(a, b) * multiplier + aOffset + bOffset;
        if (similarity == VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT) {
            return VectorUtil.scaleMaxInnerProductScore(adjusted);
        }
        return Math.max((1 + adjusted) / 2, 0f);
    }

    private final class FloatScorer extends RandomVectorScorer.AbstractRandomVectorScorer {
        private final RandomAccessVectorValues.Floats values;
        private final VectorSimilarityFunction similarity;
        private final float[] query;

        FloatScorer(RandomAccessVectorValues.Floats values, VectorSimilarityFunction similarity, float[] query) {
            super(values);
            this.values = values;
            this.similarity = similarity;
            this.query = query;
        }

        @Override
        public float score(int node) throws IOException {
            return floatScore(similarity, query, values.vectorValue(node));
        }
    }

    private final class FloatSupplier implements RandomVectorScorerSupplier {
        private final RandomAccessVectorValues.Floats values;
        private final RandomAccessVectorValues.Floats queries;
        private final RandomAccessVectorValues.Floats scored;
        private final VectorSimilarityFunction similarity;

        FloatSupplier(RandomAccessVectorValues.Floats values, VectorSimilarityFunction similarity) throws IOException {
            this.values = values;
            this.queries = values.copy();
            this.scored = values.copy();
            this.similarity = similarity;
        }

        @Override
        public RandomVectorScorer scorer(int ord) throws IOException {
            // a copy: the values reuse one array, and the builder asks for another scorer while it holds this one
            return new FloatScorer(scored, similarity, queries.vectorValue(ord).clone());
        }

        @Override
        public RandomVectorScorerSupplier copy() throws IOException {
            return new FloatSupplier(values, similarity);
        }

        @Override
        public String toString() {
            return "KernelVectorsScorer.FloatSupplier(" + similarity + ", " + kernels.name() + ")";
        }
    }

    private final class QuantizedScorer extends RandomVectorScorer.AbstractRandomVectorScorer {
        private final RandomAccessQuantizedByteVectorValues values;
        private final VectorSimilarityFunction similarity;
        private final float multiplier;
        private final byte[] query;
        private final float queryOffset;

        QuantizedScorer(RandomAccessQuantizedByteVectorValues values, VectorSimilarityFunction similarity,
                        byte[] query, float queryOffset) {
            super(values);
            this.values = values;
            this.similarity = similarity;
            this.multiplier = values.getScalarQuantizer().getConstantMultiplier();
            this.query = query;
            this.queryOffset = queryOffset;
        }

        @Override
        public float score(int node) throws IOException {
            byte[] vector = values.vectorValue(node);
            return quantizedScore(similarity, multiplier, query, queryOffset, vector,
                    values.getScoreCorrectionConstant(node));
        }
    }

    private final class QuantizedSupplier implements RandomVectorScorerSupplier {
        private final RandomAccessQuantizedByteVectorValues values;
        private final RandomAccessQuantizedByteVectorValues queries;
        private final RandomAccessQuantizedByteVectorValues scored;
        private final VectorSimilarityFunction similarity;

        QuantizedSupplier(RandomAccessQuantizedByteVectorValues values, VectorSimilarityFunction similarity)
                throws IOException {
            this.values = values;
            this.queries = values.copy();
            this.scored = values.copy();
            this.similarity = similarity;
        }

        @Override
        public RandomVectorScorer scorer(int ord) throws IOException {
            return new QuantizedScorer(scored, similarity, queries.vectorValue(ord).clone(),
                    queries.getScoreCorrectionConstant(ord));
        }

        @Override
        public RandomVectorScorerSupplier copy() throws IOException {
            return new QuantizedSupplier(values, similarity);
        }

        @Override
        public String toString() {
            return "KernelVectorsScorer.QuantizedSupplier(" + similarity + ", " + kernels.name() + ")";
        }
    }

    @Override
    public String toString() {
        return "KernelVectorsScorer(" + kernels.name() + ")";
    }
}
