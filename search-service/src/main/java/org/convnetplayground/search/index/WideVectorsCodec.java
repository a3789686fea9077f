package org.convnetplayground.search.index;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Lucene's default codec with a vectors format that accepts CNN feature vectors wider than Lucene's default limit of
 * 1,024 dimensions (MobileNet v2's pooled embedding has 1,280), as Solr's {@code SchemaCodecFactory} does: the
 * format only raises {@link KnnVectorsFormat#getMaxDimensions} and otherwise is Lucene's own, under Lucene's own name,
 * so the files are plain Lucene files that any Lucene 9.12 reader opens.
 */
final class WideVectorsCodec extends Lucene912Codec {

    /** The widest vectors indexed approximately; wider ones (flattened maps) stay exact. */
    static final int MAX_DIMENSIONS = 4096;

    private final KnnVectorsFormat vectors;

    WideVectorsCodec(KnnVectorsFormat delegate) {
        this.vectors = new WideFormat(delegate);
    }

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return vectors;
    }

    /** {@code delegate} with a raised dimension limit. */
    private static final class WideFormat extends KnnVectorsFormat {
        private final KnnVectorsFormat delegate;

        WideFormat(KnnVectorsFormat delegate) {
            super(delegate.getName());
            this.delegate = delegate;
        }

        @Override
        public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws java.io.IOException {
            return delegate.fieldsWriter(state);
        }

        @Override
        public KnnVectorsReader fieldsReader(SegmentReadState state) throws java.io.IOException {
            return delegate.fieldsReader(state);
        }

        @Override
        public int getMaxDimensions(String fieldName) {
            return MAX_DIMENSIONS;
        }

        @Override
        public String toString() {
            return delegate + "(max dimensions " + MAX_DIMENSIONS + ")";
        }
    }
}
