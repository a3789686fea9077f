package org.convnetplayground.features.dataset;

import java.nio.file.Path;

/**
 * One image of a dataset.
 *
 * @param id    its path relative to the dataset folder, with '/' separators: stable across restarts
 * @param label its class (the first folder of the path), or null for images at the top of the dataset
 * @param file  where it is on disk
 * @param bytes its size
 */
public record DatasetImage(String id, String label, Path file, long bytes) {
}
