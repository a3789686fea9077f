package org.convnetplayground.search.index;

/** The contract against the HNSW index with int8 scalar-quantized vectors (the service's default) and merge threads. */
class QuantizedHnswIndexTest extends HnswIndexTest {

    @Override
    HnswParams params() {
        return new HnswParams(16, 100, true, 4, 40, 2);
    }
}
