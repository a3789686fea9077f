package org.convnetplayground.features.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import org.convnetplayground.features.dataset.DatasetImage;
import org.convnetplayground.features.dataset.DatasetRegistry;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Uploaded images, read into memory only once they are known to be within the image size limit (the HTTP limit is
 * larger, for dataset archives, and uploads arrive as files on disk).
 */
@ApplicationScoped
public class Uploads {

    @Inject
    FeatureConfig config;

    /** The bytes of the image in multipart field {@code part}: 400 when missing, 413 when over the limit. */
    public byte[] image(FileUpload upload, String part) {
        if (upload == null) {
            throw ProblemException.missing(part, "a multipart file field '" + part + "' holding an image");
        }
        try {
            long size = Files.size(upload.uploadedFile());
            long limit = config.images().maxBytes();
            if (size > limit) {
                throw new ProblemException(new Problem("about:blank", "Image too large", 413, "'" + name(upload) + "' is "
                        + size + " bytes; the limit is " + limit, null, part, null, null, null));
            }
            return Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw ProblemException.badRequest("cannot read the uploaded " + part + ": " + e.getMessage());
        }
    }

    /** An image to inspect and the name it is reported under. */
    public record Image(byte[] bytes, String name) {
    }

    /**
     * The image in multipart field {@code part}, or, when that is absent, image {@code imageId} of {@code dataset}
     * (so that clients inspecting a dataset's images need not send their bytes back).
     *
     * @param idField the form field that holds {@code imageId}, for the problem when it is wrong
     */
    public Image imageOrDatasetImage(FileUpload upload, String part, DatasetRegistry datasets, String dataset,
                                     String imageId, String idField) {
        if (upload != null || imageId == null || imageId.isBlank()) {
            if (upload == null) {
                throw ProblemException.missing(part, "a multipart file field '" + part + "' holding an image, or '"
                        + idField + "' naming an image of the dataset given in 'dataset'");
            }
            return new Image(image(upload, part), name(upload));
        }
        if (dataset == null || dataset.isBlank()) {
            throw ProblemException.missing("dataset", "the dataset that holds image '" + imageId + "' ('" + idField
                    + "'), from /api/features/datasets");
        }
        DatasetImage found = datasets.requireImage(datasets.require(dataset), imageId);
        long limit = config.images().maxBytes();
        if (found.bytes() > limit) {
            throw new ProblemException(new Problem("about:blank", "Image too large", 413, "'" + imageId + "' is "
                    + found.bytes() + " bytes; the limit is " + limit, null, idField, null, null, null));
        }
        try {
            return new Image(Files.readAllBytes(found.file()), found.id());
        } catch (IOException e) {
            throw ProblemException.notFound("image '" + imageId + "' of dataset '" + dataset + "' cannot be read: "
                    + e.getMessage());
        }
    }

    /** The client-side file name, or "upload". */
    public static String name(FileUpload upload) {
        return upload.fileName() == null || upload.fileName().isBlank() ? "upload" : upload.fileName();
    }
}
