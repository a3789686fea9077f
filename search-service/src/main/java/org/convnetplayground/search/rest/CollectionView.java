package org.convnetplayground.search.rest;

import java.time.Instant;
import org.convnetplayground.search.collection.CollectionMeta;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A stored collection, without its items. */
@Schema(name = "Collection", description = "The vectors of every image of a dataset at one layer of one model.")
public record CollectionView(
        String dataset,
        String model,
        String layer,
        @Schema(description = "avg, max or flatten") String pooling,
        @Schema(description = "Number of vectors (images).") int size,
        @Schema(description = "Values per vector.") int dimension,
        @Schema(description = "The dataset version the vectors were computed from.") String datasetVersion,
        @Schema(description = "Checksum of the model file that computed them.") String modelSha256,
        Instant createdAt) {

    static CollectionView of(CollectionMeta m) {
        return new CollectionView(m.key().dataset(), m.key().model(), m.key().layer(), m.key().pooling(), m.size(),
                m.dimension(), m.datasetVersion(), m.modelSha256(), m.createdAt());
    }
}
