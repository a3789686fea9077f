package org.convnetplayground.search.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.convnetplayground.search.index.solr.SolrBackend;
import org.convnetplayground.search.index.solr.SolrIndex;
import org.convnetplayground.testing.SolrClusterProcess;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The index contract against SolrIndex on a real 2-node SolrCloud (2 shards x 2 replicas per collection), started
 * once per test JVM in its own process.
 */
class SolrIndexTest extends VectorIndexContract {

    static final HnswParams PARAMS = new HnswParams(16, 100, false, 4, 40, 1);
    private static final AtomicInteger COLLECTIONS = new AtomicInteger();
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000, 36);

    SolrBackend backend;

    @BeforeEach
    void cluster() {
        backend = backend(SolrClusterProcess.shared(), rerankFromSolr());
    }

    static SolrBackend backend(SolrClusterProcess cluster, boolean rerankFromSolr) {
        return new SolrBackend(new SolrBackend.Settings(cluster.nodeUrls(), 2, 2, "cnptest", Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofSeconds(120), 200, rerankFromSolr));
    }

    /** Whether queries re-rank with the vectors Solr stores (a subclass runs the contract that way too). */
    boolean rerankFromSolr() {
        return false;
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    /** The rows of mapped vectors with ids (and no labels), as a sync reads a collection. */
    static SolrBackend.Source source(MappedVectors vectors, List<String> ids) {
        return new SolrBackend.Source() {
            @Override
            public int size() {
                return vectors.size();
            }

            @Override
            public int dimension() {
                return vectors.dim();
            }

            @Override
            public String id(int row) {
                return ids.get(row);
            }

            @Override
            public String label(int row) {
                return null;
            }

            @Override
            public void copyRow(int row, float[] into) {
                vectors.copyRow(row, into, 0);
            }
        };
    }

    @Override
    VectorIndex open(Path dir, MappedVectors vectors, List<String> ids) throws IOException {
        String name = "cnptest_contract_" + RUN + "_" + COLLECTIONS.incrementAndGet();
        assertTrue(backend.sync(name, source(vectors, ids), "v1", PARAMS.maxConn(), PARAMS.beamWidth(),
                (done, total, message) -> { }, () -> false, () -> true));
        assertTrue(backend.inSync(name, "v1", vectors.size()));
        return SolrIndex.open(backend, name, new ExactIndex(vectors, ids), PARAMS, 0, () -> { });
    }

    /** 1,280 dimensions (MobileNet v2's embedding), over Lucene's default limit of 1,024, as Solr's codec allows. */
    @Test
    void vectorsWiderThanLucenesDefaultLimit() throws IOException {
        int dim = 1280;
        VectorIndex index = index(clustered(300, dim, 9), dim, ids(300));
        float[] q = clustered(1, dim, 10);
        IndexAnswer a = index.search(new IndexQuery(q, Metric.COSINE, 3, 10, Set.of(), SearchMode.APPROXIMATE));
        assertEquals(SearchMode.APPROXIMATE, a.mode());
        assertEquals(ids(index.search(new IndexQuery(q, Metric.COSINE, 3, 10, Set.of(), SearchMode.EXACT))), ids(a));
    }
}
