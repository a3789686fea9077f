package org.convnetplayground.search.index;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;

/**
 * Lucene's default codec (under its own name) with our {@link KernelHnswVectorsFormat} for every vector field: Lucene's
 * HNSW format scored by our SIMD kernels, accepting vectors wider than Lucene's default 1,024 dimensions, as Solr's
 * {@code SchemaCodecFactory} chooses a per-field format.
 */
final class WideVectorsCodec extends Lucene912Codec {

    private final KnnVectorsFormat vectors;

    WideVectorsCodec(KernelHnswVectorsFormat vectors) {
        this.vectors = vectors;
    }

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return vectors;
    }
}
