package org.convnetplayground.search.index;

/** The index contract against SolrIndex re-ranking with the vectors Solr stores (cnp.search.solr.rerank-from-solr). */
class SolrIndexRerankFromSolrTest extends SolrIndexTest {

    @Override
    boolean rerankFromSolr() {
        return true;
    }
}
