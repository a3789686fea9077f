package org.convnetplayground.search.collection;

import java.time.Instant;
import java.util.List;

/**
 * What a stored collection holds, apart from the vectors themselves.
 *
 * @param key            which collection
 * @param dimension      values per vector
 * @param datasetVersion the dataset version the vectors were computed from
 * @param modelSha256    the checksum of the model file that computed them
 * @param createdAt      when it was built
 * @param items          one entry per vector row, in row order
 */
public record CollectionMeta(
        CollectionKey key,
        int dimension,
        String datasetVersion,
        String modelSha256,
        Instant createdAt,
        List<Item> items) {

    /** An image id and its class label (null when unlabelled). */
    public record Item(String id, String label) {
    }

    /** The {@link #datasetVersion} of a collection imported from a vectors file rather than built from a dataset. */
    public static final String IMPORTED_PREFIX = "import:";

    public int size() {
        return items.size();
    }

    /**
     * Whether the vectors were imported (an .npy file) rather than extracted from a dataset of the feature-service:
     * such a collection is not kept in step with a dataset or a model of the catalog, which need not exist.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isImported() {
        return datasetVersion != null && datasetVersion.startsWith(IMPORTED_PREFIX);
    }
}
