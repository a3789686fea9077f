package org.convnetplayground.search.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.convnetplayground.vectors.MappedVectors;

/** The contract against the Lucene HNSW index, float and int8-quantized. */
class HnswIndexTest extends VectorIndexContract {

    static final HnswParams PARAMS = new HnswParams(16, 100, false, 4, 40, 16, 1);

    HnswParams params() {
        return PARAMS;
    }

    @Override
    VectorIndex open(Path dir, MappedVectors vectors, List<String> ids) throws IOException {
        HnswIndex.build(dir, vectors, params(), done -> { }, () -> false);
        return HnswIndex.open(new ExactIndex(vectors, ids), dir, params(), 0);
    }

    /** 1,280 dimensions (MobileNet v2's embedding) are over Lucene's default limit of 1,024: the codec raises it. */
    @org.junit.jupiter.api.Test
    void vectorsWiderThanLucenesDefaultLimit() throws IOException {
        int dim = 1280;
        VectorIndex index = index(clustered(300, dim, 9), dim, ids(300));
        float[] q = clustered(1, dim, 10);
        IndexAnswer a = index.search(new IndexQuery(q, org.convnetplayground.vectors.Metric.COSINE, 3, 10,
                java.util.Set.of(), SearchMode.APPROXIMATE));
        org.junit.jupiter.api.Assertions.assertEquals(SearchMode.APPROXIMATE, a.mode());
        org.junit.jupiter.api.Assertions.assertEquals(ids(index.search(new IndexQuery(q,
                org.convnetplayground.vectors.Metric.COSINE, 3, 10, java.util.Set.of(), SearchMode.EXACT))), ids(a));
    }
}
