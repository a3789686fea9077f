package org.convnetplayground.search.index;

import java.nio.file.Path;
import java.util.List;
import org.convnetplayground.vectors.MappedVectors;

class ExactIndexTest extends VectorIndexContract {

    @Override
    VectorIndex open(Path dir, MappedVectors vectors, List<String> ids) {
        return new ExactIndex(vectors, ids);
    }
}
