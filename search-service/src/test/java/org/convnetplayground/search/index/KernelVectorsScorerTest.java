package org.convnetplayground.search.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.apache.lucene.util.quantization.RandomAccessQuantizedByteVectorValues;
import org.apache.lucene.util.quantization.ScalarQuantizer;
import org.convnetplayground.vectors.GraphKernels;
import org.junit.jupiter.api.Test;

/**
 * Our SIMD scorer against Lucene's own on awkward sizes: 7-bit quantized scores equal bit for bit (int sums are
 * exact), float scores within float rounding, and what it hands back to Lucene (cosine floats) equal.
 */
class KernelVectorsScorerTest {

    static final int[] SIZES = {1, 3, 7, 8, 13, 255, 256, 1000, 1280, 2048, 4097};
    final KernelVectorsScorer simd = new KernelVectorsScorer(GraphKernels.best());
    final FlatVectorsScorer lucene = DefaultFlatVectorScorer.INSTANCE;
    final FlatVectorsScorer luceneQuantized = new Lucene99ScalarQuantizedVectorScorer(DefaultFlatVectorScorer.INSTANCE);

    @Test
    void usesSimdKernels() {
        assertTrue(simd.kernels().name().startsWith("simd-"), simd.kernels().name());
    }

    @Test
    void quantizedScoresAreLucenesBitForBit() throws IOException {
        Random random = new Random(3);
        for (int dim : SIZES) {
            List<float[]> floats = vectors(random, 40, dim, true);
            for (VectorSimilarityFunction similarity : VectorSimilarityFunction.values()) {
                Quantized values = Quantized.of(floats, similarity);
                RandomVectorScorerSupplier ours = simd.getRandomVectorScorerSupplier(similarity, values);
                RandomVectorScorerSupplier theirs = luceneQuantized.getRandomVectorScorerSupplier(similarity, values);
                float[] query = vectors(random, 1, dim, true).get(0);
                RandomVectorScorer ourQuery = simd.getRandomVectorScorer(similarity, values, query);
                RandomVectorScorer theirQuery = luceneQuantized.getRandomVectorScorer(similarity, values, query);
                for (int a = 0; a < floats.size(); a += 7) {
                    RandomVectorScorer o = ours.scorer(a);
                    RandomVectorScorer t = theirs.scorer(a);
                    for (int b = 0; b < floats.size(); b++) {
                        String what = similarity + " dim " + dim + " " + a + "-" + b;
                        assertEquals(t.score(b), o.score(b), 0f, what);
                        assertEquals(theirQuery.score(b), ourQuery.score(b), 0f, "query " + what);
                    }
                }
            }
        }
    }

    @Test
    void floatScoresAreLucenesWithinRounding() throws IOException {
        Random random = new Random(4);
        for (int dim : SIZES) {
            for (VectorSimilarityFunction similarity : VectorSimilarityFunction.values()) {
                boolean unit = similarity == VectorSimilarityFunction.DOT_PRODUCT;
                List<float[]> floats = vectors(random, 30, dim, unit);
                RandomAccessVectorValues.Floats values = RandomAccessVectorValues.fromFloats(floats, dim);
                RandomVectorScorerSupplier ours = simd.getRandomVectorScorerSupplier(similarity, values);
                RandomVectorScorerSupplier theirs = lucene.getRandomVectorScorerSupplier(similarity, values);
                for (int a = 0; a < floats.size(); a += 5) {
                    RandomVectorScorer o = ours.scorer(a);
                    RandomVectorScorer t = theirs.scorer(a);
                    RandomVectorScorer oq = simd.getRandomVectorScorer(similarity, values, floats.get(a));
                    for (int b = 0; b < floats.size(); b++) {
                        float expected = t.score(b);
                        // a float sum of dim terms: relative error up to about dim * 2^-23 of the terms' size
                        float tolerance = similarity == VectorSimilarityFunction.COSINE ? 0f
                                : (float) (dim * 0x1p-22 * Math.max(1, Math.abs(expected)) * 4);
                        String what = similarity + " dim " + dim + " " + a + "-" + b;
                        assertEquals(expected, o.score(b), tolerance, what);
                        assertEquals(expected, oq.score(b), tolerance, "query " + what);
                    }
                }
            }
        }
    }

    @Test
    void theBuilderCanHoldOneScorerWhileAskingForAnother() throws IOException {
        Random random = new Random(5);
        List<float[]> floats = vectors(random, 10, 64, true);
        Quantized values = Quantized.of(floats, VectorSimilarityFunction.DOT_PRODUCT);
        RandomVectorScorerSupplier supplier = simd.getRandomVectorScorerSupplier(VectorSimilarityFunction.DOT_PRODUCT,
                values);
        RandomVectorScorer first = supplier.scorer(0);
        float before = first.score(5);
        supplier.scorer(3).score(4);
        assertEquals(before, first.score(5), 0f);
    }

    static List<float[]> vectors(Random random, int n, int dim, boolean unit) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) {
                v[j] = unit ? (float) Math.abs(random.nextGaussian()) + 0.001f : (float) random.nextGaussian();
            }
            out.add(unit ? HnswIndex.unit(v) : v);
        }
        return out;
    }

    /**
     * Lucene's 7-bit quantization of some float vectors, held in arrays and read, as Lucene's off-heap values are,
     * into one array per copy that the next read overwrites.
     */
    static final class Quantized implements RandomAccessQuantizedByteVectorValues {
        private final List<byte[]> bytes;
        private final float[] corrections;
        private final ScalarQuantizer quantizer;
        private final int dim;
        private final byte[] read;

        Quantized(List<byte[]> bytes, float[] corrections, ScalarQuantizer quantizer, int dim) {
            this.bytes = bytes;
            this.corrections = corrections;
            this.quantizer = quantizer;
            this.dim = dim;
            this.read = new byte[dim];
        }

        static Quantized of(List<float[]> floats, VectorSimilarityFunction similarity) throws IOException {
            int dim = floats.get(0).length;
            ScalarQuantizer quantizer = ScalarQuantizer.fromVectors(
                    new org.apache.lucene.index.FloatVectorValues() {
                        int doc = -1;

                        @Override
                        public int dimension() {
                            return dim;
                        }

                        @Override
                        public int size() {
                            return floats.size();
                        }

                        @Override
                        public float[] vectorValue() {
                            return floats.get(doc);
                        }

                        @Override
                        public org.apache.lucene.search.VectorScorer scorer(float[] query) {
                            throw new UnsupportedOperationException();
                        }

                        @Override
                        public int docID() {
                            return doc;
                        }

                        @Override
                        public int nextDoc() {
                            return advance(doc + 1);
                        }

                        @Override
                        public int advance(int target) {
                            return doc = target >= floats.size() ? NO_MORE_DOCS : target;
                        }
                    }, 0.99f, floats.size(), (byte) 7);
            List<byte[]> bytes = new ArrayList<>();
            float[] corrections = new float[floats.size()];
            for (int i = 0; i < floats.size(); i++) {
                byte[] b = new byte[dim];
                float[] f = floats.get(i);
                if (similarity == VectorSimilarityFunction.COSINE) {
                    f = HnswIndex.unit(f);
                }
                corrections[i] = quantizer.quantize(f, b, similarity);
                bytes.add(b);
            }
            return new Quantized(bytes, corrections, quantizer, dim);
        }

        @Override
        public ScalarQuantizer getScalarQuantizer() {
            return quantizer;
        }

        @Override
        public float getScoreCorrectionConstant(int ord) {
            return corrections[ord];
        }

        @Override
        public byte[] vectorValue(int ord) {
            System.arraycopy(bytes.get(ord), 0, read, 0, dim);
            return read;
        }

        @Override
        public Quantized copy() {
            return new Quantized(bytes, corrections, quantizer, dim);
        }

        @Override
        public int size() {
            return bytes.size();
        }

        @Override
        public int dimension() {
            return dim;
        }
    }
}
