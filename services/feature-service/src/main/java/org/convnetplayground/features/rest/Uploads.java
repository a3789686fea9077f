package org.convnetplayground.features.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
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

    /** The client-side file name, or "upload". */
    public static String name(FileUpload upload) {
        return upload.fileName() == null || upload.fileName().isBlank() ? "upload" : upload.fileName();
    }
}
