package org.convnetplayground.search.collection;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names one collection: the vectors of every image of a dataset at one layer of one model, pooled one way.
 *
 * @param dataset the dataset id (feature-service)
 * @param model   the model id (model-catalog-service)
 * @param layer   the layer name
 * @param pooling avg, max or flatten
 */
public record CollectionKey(String dataset, String model, String layer, String pooling) {

    /** A folder name safe for any dataset, model or layer name (they may hold '/', ':' and the like). */
    public String folderName() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((dataset + '\u0000' + model + '\u0000' + layer + '\u0000' + pooling).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the search-service lists this collection's items (names percent-encoded: they may hold '/', ' '). */
    public String itemsPath() {
        return "/api/search/collections/" + encode(dataset) + "/" + encode(model) + "/" + encode(layer)
                + "/items?pooling=" + encode(pooling);
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return dataset + "/" + model + "/" + layer + "/" + pooling;
    }
}
