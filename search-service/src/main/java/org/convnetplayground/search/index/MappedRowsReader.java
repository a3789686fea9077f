package org.convnetplayground.search.index;

import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.lucene.codecs.DocValuesProducer;
import org.apache.lucene.codecs.FieldsProducer;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.NormsProducer;
import org.apache.lucene.codecs.PointsReader;
import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.codecs.TermVectorsReader;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.LeafMetaData;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.VectorScorer;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.Version;
import org.convnetplayground.vectors.MappedVectors;

/**
 * A collection's rows seen by Lucene as one segment whose documents hold nothing but a unit-length vector (document i
 * = row i), read from the collection's mapped file. Handed to {@code IndexWriter.addIndexes}, it is merged into a
 * real segment by Lucene's own merge code: the vectors are written (and quantized) once and the HNSW graph is built
 * once, over all rows, by the format's merge workers; no vectors are buffered on the heap and no graph is built
 * twice, as indexing document by document and merging the flushed segments would.
 */
final class MappedRowsReader extends CodecReader {

    private final MappedVectors vectors;
    private final FieldInfos fieldInfos;
    private final BooleanSupplier cancelled;

    /** @param cancelled checked every 4,096 rows read; the merge fails with an IOException when it says so */
    MappedRowsReader(MappedVectors vectors, String field, BooleanSupplier cancelled) {
        this.vectors = vectors;
        this.cancelled = cancelled;
        this.fieldInfos = new FieldInfos(new FieldInfo[] {new FieldInfo(field, 0, false, false, false,
                IndexOptions.NONE, DocValuesType.NONE, -1, Map.of(), 0, 0, 0, vectors.dim(), VectorEncoding.FLOAT32,
                VectorSimilarityFunction.DOT_PRODUCT, false, false)});
    }

    @Override
    public KnnVectorsReader getVectorReader() {
        return new KnnVectorsReader() {
            @Override
            public void checkIntegrity() {
                // the collection's file was checked when it was stored
            }

            @Override
            public FloatVectorValues getFloatVectorValues(String field) {
                return fieldInfos.fieldInfo(field) == null ? null : new UnitRows();
            }

            @Override
            public ByteVectorValues getByteVectorValues(String field) {
                return null;
            }

            @Override
            public void search(String field, float[] target, KnnCollector knnCollector, Bits acceptDocs) {
                throw new UnsupportedOperationException("rows to be indexed are not searched");
            }

            @Override
            public void search(String field, byte[] target, KnnCollector knnCollector, Bits acceptDocs) {
                throw new UnsupportedOperationException("rows to be indexed are not searched");
            }

            @Override
            public void close() {
            }

            @Override
            public long ramBytesUsed() {
                return 0;
            }
        };
    }

    /** The rows in order, each scaled to length 1 (a zero row stays zero), in one reused array. */
    private final class UnitRows extends FloatVectorValues {
        private final float[] row = new float[vectors.dim()];
        private int doc = -1;

        @Override
        public int dimension() {
            return vectors.dim();
        }

        @Override
        public int size() {
            return vectors.size();
        }

        @Override
        public float[] vectorValue() {
            vectors.copyRow(doc, row, 0);
            HnswIndex.toUnit(row);
            return row;
        }

        @Override
        public VectorScorer scorer(float[] query) {
            throw new UnsupportedOperationException("rows to be indexed are not searched");
        }

        @Override
        public int docID() {
            return doc;
        }

        @Override
        public int nextDoc() throws IOException {
            return advance(doc + 1);
        }

        @Override
        public int advance(int target) throws IOException {
            if (target >= vectors.size()) {
                return doc = NO_MORE_DOCS;
            }
            if ((target & 4095) == 0 && cancelled.getAsBoolean()) {
                throw new IOException("cancelled");
            }
            return doc = target;
        }
    }

    @Override
    public StoredFieldsReader getFieldsReader() {
        return new StoredFieldsReader() {
            @Override
            public StoredFieldsReader clone() {
                return this;
            }

            @Override
            public void checkIntegrity() {
            }

            @Override
            public void document(int docID, StoredFieldVisitor visitor) {
                // nothing is stored
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public TermVectorsReader getTermVectorsReader() {
        return null;
    }

    @Override
    public NormsProducer getNormsReader() {
        return null;
    }

    @Override
    public DocValuesProducer getDocValuesReader() {
        return null;
    }

    @Override
    public FieldsProducer getPostingsReader() {
        return null;
    }

    @Override
    public PointsReader getPointsReader() {
        return null;
    }

    @Override
    public FieldInfos getFieldInfos() {
        return fieldInfos;
    }

    @Override
    public Bits getLiveDocs() {
        return null;
    }

    @Override
    public LeafMetaData getMetaData() {
        return new LeafMetaData(Version.LATEST.major, Version.LATEST, null, false);
    }

    @Override
    public int numDocs() {
        return vectors.size();
    }

    @Override
    public int maxDoc() {
        return vectors.size();
    }

    @Override
    public CacheHelper getCoreCacheHelper() {
        return null;
    }

    @Override
    public CacheHelper getReaderCacheHelper() {
        return null;
    }
}
