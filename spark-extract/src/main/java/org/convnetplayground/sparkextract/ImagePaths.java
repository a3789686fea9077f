package org.convnetplayground.sparkextract;

import java.util.Locale;
import java.util.Set;

/**
 * Image ids and labels from file paths, by the feature-service's dataset rules: the id is the path inside the image
 * folder with '/' separators, the label the first folder of that path (none for images at the top), and a file is an
 * image by its extension. Files and folders whose name starts with '.' are not images (Hadoop's listing also leaves out
 * those starting with '_').
 */
final class ImagePaths {

    /** File name extensions of the image formats OpenCV decodes, as the feature-service's DatasetRegistry has them. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff");

    private ImagePaths() {
    }

    /**
     * The id of {@code path} under {@code root}, or null when it does not lie under it.
     *
     * @param root the image folder as Hadoop names it (qualified, no trailing '/')
     * @param path a file as Spark's binaryFile source names it
     */
    static String id(String root, String path) {
        String prefix = root.endsWith("/") ? root : root + "/";
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
            return null;
        }
        return path.substring(prefix.length());
    }

    /** The class of an image: the first folder of its id, or null for an image at the top of the folder. */
    static String label(String id) {
        int slash = id.indexOf('/');
        return slash > 0 ? id.substring(0, slash) : null;
    }

    /** Whether the feature-service would take the file of this id as an image of a dataset. */
    static boolean isImage(String id) {
        for (String part : id.split("/")) {
            if (part.isEmpty() || part.startsWith(".")) {
                return false;
            }
        }
        String name = id.substring(id.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
