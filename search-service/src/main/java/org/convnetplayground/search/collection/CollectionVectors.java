package org.convnetplayground.search.collection;

import java.util.List;
import java.util.function.IntPredicate;
import org.convnetplayground.vectors.ExactSearch;
import org.convnetplayground.vectors.MappedExactSearch;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.ScoredRow;
import org.convnetplayground.vectors.VectorMatrix;

/**
 * A collection's rows and their exact search, wherever the rows live: memory-mapped from the collection's file (every
 * stored collection), or a matrix on the heap (small collections made in tests).
 */
public interface CollectionVectors {

    int size();

    int dim();

    /** A copy of row {@code i}. */
    float[] row(int i);

    /** As {@link ExactSearch#topK}. */
    List<ScoredRow> topK(float[] query, Metric metric, double p, int k, IntPredicate excludeRow);

    /** As {@link ExactSearch#distances}. */
    double[] distances(float[] query, Metric metric, double p);

    /** Rows mapped from a file. */
    static Mapped mapped(MappedVectors vectors) {
        return new Mapped(new MappedExactSearch(vectors));
    }

    /** Rows on the heap. */
    static CollectionVectors onHeap(VectorMatrix matrix) {
        ExactSearch search = new ExactSearch(matrix);
        return new CollectionVectors() {
            @Override
            public int size() {
                return matrix.size();
            }

            @Override
            public int dim() {
                return matrix.dim();
            }

            @Override
            public float[] row(int i) {
                return matrix.row(i);
            }

            @Override
            public List<ScoredRow> topK(float[] query, Metric metric, double p, int k, IntPredicate excludeRow) {
                return search.topK(query, metric, p, k, excludeRow);
            }

            @Override
            public double[] distances(float[] query, Metric metric, double p) {
                return search.distances(query, metric, p);
            }
        };
    }

    /** Memory-mapped rows and their scan, shared with the collection's indexes. */
    record Mapped(MappedExactSearch scan) implements CollectionVectors {
        @Override
        public int size() {
            return scan.vectors().size();
        }

        @Override
        public int dim() {
            return scan.vectors().dim();
        }

        @Override
        public float[] row(int i) {
            return scan.vectors().row(i);
        }

        @Override
        public List<ScoredRow> topK(float[] query, Metric metric, double p, int k, IntPredicate excludeRow) {
            return scan.topK(query, metric, p, k, excludeRow);
        }

        @Override
        public double[] distances(float[] query, Metric metric, double p) {
            return scan.distances(query, metric, p);
        }
    }
}
