package org.convnetplayground.features.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.inference.image.ImageCodec;
import org.convnetplayground.errors.InternalFailureException;
import org.convnetplayground.errors.InvalidInputException;

/** Small JPEG previews of dataset images, made once and kept on disk, keyed by the image's content stamp. */
@ApplicationScoped
public class ThumbnailStore {

    private final ImageCodec codec;
    private final Path dir;
    private final int defaultSize;
    private final int maxSize;

    @Inject
    public ThumbnailStore(ImageCodec codec, FeatureConfig config) {
        this.codec = codec;
        this.dir = config.dataDir().resolve("thumbnails");
        this.defaultSize = config.images().thumbnailSize();
        this.maxSize = config.images().maxThumbnailSize();
    }

    /** A thumbnail and the tag that changes when it does. */
    public record Thumbnail(byte[] jpeg, String etag) {
    }

    public Thumbnail get(Dataset dataset, DatasetImage image, Integer size) {
        int edge = size == null ? defaultSize : size;
        if (edge < 16 || edge > maxSize) {
            throw InvalidInputException.invalid("size", size, "an edge length from 16 to " + maxSize + " pixels");
        }
        try {
            long modified = Files.getLastModifiedTime(image.file()).toMillis();
            String key = sha1(dataset.id() + '|' + image.id() + '|' + image.bytes() + '|' + modified + '|' + edge);
            Path cached = dir.resolve(key.substring(0, 2)).resolve(key + ".jpg");
            if (Files.isRegularFile(cached)) {
                return new Thumbnail(Files.readAllBytes(cached), key);
            }
            byte[] jpeg = codec.thumbnail(Files.readAllBytes(image.file()), image.id(), edge);
            Files.createDirectories(cached.getParent());
            Path tmp = Files.createTempFile(cached.getParent(), key, ".tmp");
            Files.write(tmp, jpeg);
            Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Thumbnail(jpeg, key);
        } catch (IOException e) {
            throw new InternalFailureException("Thumbnail failed", "cannot make a thumbnail of '" + image.id() + "': "
                    + e.getMessage(), null, e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
