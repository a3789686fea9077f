package org.convnetplayground.search.index;

/**
 * The contract against the HNSW index built with int8 vectors but walked with the collection's own float rows
 * ({@code cnp.search.index.float-walk}).
 */
class FloatWalkHnswIndexTest extends HnswIndexTest {

    @Override
    HnswParams params() {
        return new HnswParams(16, 100, true, 4, 40, 2, true);
    }
}
