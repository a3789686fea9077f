package org.convnetplayground.system;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.convnetplayground.testing.Repo;
import org.convnetplayground.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

/**
 * Near-duplicates at the default threshold: the Caltech photos plus planted copies (a re-encoded JPEG, a resized
 * copy, a small crop, an enlarged crop) are all found, and no pair of distinct photos is. The one pair of Caltech
 * files that is the same photo (grand_piano 0002 and 0007, one vignetted) is found too, as it should be.
 */
class PlantedDuplicatesSystemTest {

    static final Set<List<String>> EXPECTED = Set.of(
            List.of("elephant/image_0001.jpg", "elephant/planted_reencoded.jpg"),
            List.of("llama/image_0002.jpg", "llama/planted_resized.jpg"),
            List.of("laptop/image_0003.jpg", "laptop/planted_crop.jpg"),
            List.of("ketch/image_0005.jpg", "ketch/planted_enlarged_crop.jpg"),
            List.of("grand_piano/image_0002.jpg", "grand_piano/image_0007.jpg"));

    @Test
    void plantedCopiesAreFoundAndDistinctPhotosAreNot() throws Exception {
        Path root = Repo.dir().resolve("system-tests/target/planted-datasets");
        Stack.deleteTree(root);
        Path dataset = plant(root.resolve("caltech-planted"));
        Stack stack = Stack.get();
        Path data = Repo.dir().resolve("system-tests/target/planted-data");
        Stack.deleteTree(data);
        try (ServiceProcess features = ServiceProcess.start("feature-service", Map.of(
                     "cnp.features.datasets-dir", root.toString(),
                     "cnp.features.data-dir", data.resolve("features").toString(),
                     "quarkus.rest-client.catalog.url", stack.catalog.url()));
             ServiceProcess search = ServiceProcess.start("search-service", Map.of(
                     "cnp.search.data-dir", data.resolve("search").toString(),
                     "cnp.search.warm-up", "",
                     "quarkus.rest-client.features.url", features.url(),
                     "quarkus.rest-client.catalog.url", stack.catalog.url()))) {
            String url = search.url() + "/api/search/duplicates?dataset=caltech-planted&model=mobilenet_v2_1.0_224"
                    + "&layer=global_pool&metric=cosine";
            Response r = given().get(url);
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            while (r.statusCode() == 202 && Instant.now().isBefore(deadline)) {
                String job = r.jsonPath().getString("job");
                while (List.of("queued", "running").contains(given().get(search.url() + job).jsonPath().getString("state"))) {
                    Api.pause();
                }
                r = given().get(url);
            }
            assertEquals(200, r.statusCode(), r.asString());
            List<List<String>> groups = r.jsonPath().getList("groups");
            System.out.println("groups at the default threshold " + r.jsonPath().getDouble("threshold") + ": " + groups);
            assertEquals(EXPECTED, Set.copyOf(groups));
            try (Stream<Path> files = Files.walk(dataset)) {
                assertEquals(204, files.filter(Files::isRegularFile).count());
            }
        }
    }

    /** The Caltech subset plus four edited copies of four of its photos. */
    static Path plant(Path dir) throws IOException {
        Path source = Repo.datasets().resolve("caltech101-iconic200");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jpg")).toList()) {
                Path target = dir.resolve(source.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        jpeg(read(dir, "elephant/image_0001.jpg"), 0.6f, dir.resolve("elephant/planted_reencoded.jpg"));
        jpeg(scale(read(dir, "llama/image_0002.jpg"), 0.7), 0.9f, dir.resolve("llama/planted_resized.jpg"));
        jpeg(crop(read(dir, "laptop/image_0003.jpg"), 0.9), 0.9f, dir.resolve("laptop/planted_crop.jpg"));
        jpeg(crop(scale(read(dir, "ketch/image_0005.jpg"), 1.3), 0.85), 0.85f, dir.resolve("ketch/planted_enlarged_crop.jpg"));
        return dir;
    }

    private static BufferedImage read(Path dir, String id) throws IOException {
        return ImageIO.read(dir.resolve(id).toFile());
    }

    private static void jpeg(BufferedImage image, float quality, Path out) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out.toFile())) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private static BufferedImage scale(BufferedImage s, double factor) {
        int w = (int) (s.getWidth() * factor);
        int h = (int) (s.getHeight() * factor);
        BufferedImage d = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = d.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(s, 0, 0, w, h, null);
        g.dispose();
        return d;
    }

    private static BufferedImage crop(BufferedImage s, double keep) {
        int w = (int) (s.getWidth() * keep);
        int h = (int) (s.getHeight() * keep);
        BufferedImage d = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = d.createGraphics();
        g.drawImage(s.getSubimage((s.getWidth() - w) / 2, (s.getHeight() - h) / 2, w, h), 0, 0, null);
        g.dispose();
        return d;
    }
}
