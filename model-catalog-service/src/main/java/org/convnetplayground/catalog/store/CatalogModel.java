package org.convnetplayground.catalog.store;

import java.nio.file.Path;
import java.util.List;
import org.convnetplayground.catalog.graph.LayerTable;

/**
 * A model the catalog serves: its metadata, its verified file and its analysed graph.
 *
 * @param metadata  what model.json says
 * @param file      the ONNX file
 * @param sha256    the file's checksum, verified against model.json
 * @param sizeBytes the file's size
 * @param opset     the default-domain opset
 * @param inputName the graph input that takes the image
 * @param table     every layer, the feature layers and totals
 * @param labels    class names in output order (empty for feature extractors)
 * @param origin    where it came from: {@link #SHARED} (the read-only shared folder), {@link #UPLOAD} or
 *                  {@link #DOWNLOAD} (both in the catalog's own store)
 */
public record CatalogModel(
        ModelMetadata metadata,
        Path file,
        String sha256,
        long sizeBytes,
        long opset,
        String inputName,
        LayerTable table,
        List<String> labels,
        String origin) {

    public static final String SHARED = "shared";
    public static final String UPLOAD = "upload";
    public static final String DOWNLOAD = "download";

    public String id() {
        return metadata.id();
    }

    public long parameters() {
        return table.parameters();
    }

    public int layerCount() {
        return table.layers().size();
    }

    /** Shared models are never changed or deleted by the catalog. */
    public boolean readOnly() {
        return SHARED.equals(origin);
    }

    CatalogModel movedTo(Path newFile) {
        return new CatalogModel(metadata, newFile, sha256, sizeBytes, opset, inputName, table, labels, origin);
    }
}
