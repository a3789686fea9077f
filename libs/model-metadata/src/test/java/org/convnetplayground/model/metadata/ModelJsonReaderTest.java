package org.convnetplayground.model.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Reading model.json: the shared models as published, and the rules that read preprocessing from words. */
class ModelJsonReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODELS = Path.of(System.getProperty("cnp.shared.dir", "../../../shared"))
            .resolve("models").toAbsolutePath().normalize();

    @Test
    void everySharedModelReads() throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(MODELS)) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve("model.json"))).sorted().toList();
        }
        assertTrue(dirs.size() >= 8, "the shared models under " + MODELS + ": " + dirs);
        for (Path dir : dirs) {
            JsonNode json = JSON.readTree(dir.resolve("model.json").toFile());
            ModelPreprocessing p = ModelJsonReader.preprocessing(dir.getFileName().toString(), json);
            assertEquals(2, p.inputSize().size(), dir.toString());
            assertTrue(ModelPreprocessing.RESIZE_MODES.contains(p.resize()), p.toString());
            assertTrue(ModelPreprocessing.INTERPOLATIONS.contains(p.interpolation()), p.toString());
            assertTrue(p.cropFraction() > 0 && p.cropFraction() <= 1, p.toString());
            assertFalse(ModelJsonReader.inputName(json).isEmpty(), dir.toString());
            assertTrue(Files.isRegularFile(dir.resolve(ModelJsonReader.file(json))), dir.toString());
            assertEquals(64, ModelJsonReader.sha256(json).length(), dir.toString());
            assertFalse(ModelJsonReader.featureLayers(json).isEmpty(), dir.toString());
        }
    }

    @Test
    void theTinyMobileNetReadsAsPublished() throws IOException {
        JsonNode json = JSON.readTree(MODELS.resolve("mobilenet_v1_0.25_128/model.json").toFile());
        ModelPreprocessing p = ModelJsonReader.preprocessing("mobilenet_v1_0.25_128", json);
        assertEquals(List.of(128, 128), p.inputSize());
        assertEquals("NCHW", p.layout());
        assertEquals("RGB", p.channelOrder());
        assertEquals(List.of(127.5, 127.5, 127.5), p.mean());
        assertEquals(List.of(127.5, 127.5, 127.5), p.std());
        assertEquals("shorter-side-crop", p.resize());
        assertEquals(0.875, p.cropFraction());
        assertEquals("bilinear", p.interpolation());
        assertEquals("input", ModelJsonReader.inputName(json));
        assertEquals("model.onnx", ModelJsonReader.file(json));
        assertEquals("Conv2d_0", ModelJsonReader.featureLayers(json).get(0));
    }

    @Test
    void resizeRulesAreReadFromWords() {
        assertEquals(224.0 / 256, ModelJsonReader.cropFractionFrom("shorter side to 256, centre crop 224", 224));
        assertEquals(0.875, ModelJsonReader.cropFractionFrom("shorter side to size/0.875, centre crop", 128));
        assertEquals(1.0, ModelJsonReader.cropFractionFrom("shorter side to 224, center crop", 224));
        assertEquals(ModelJsonReader.DEFAULT_CROP_FRACTION, ModelJsonReader.cropFractionFrom("", 224));
        assertEquals("stretch", ModelJsonReader.resizeModeFrom("whole image to 299x299, no crop"));
        assertEquals("shorter-side-crop", ModelJsonReader.resizeModeFrom("shorter side to 256, centre crop 224"));
        assertEquals("bicubic", ModelJsonReader.interpolationFrom("bicubic resize, then bilinear"));
        assertEquals("bilinear", ModelJsonReader.interpolationFrom("resize"));
    }

    @Test
    void badPreprocessingNamesTheField() throws IOException {
        JsonNode json = JSON.readTree("{\"input\": {\"size\": [224, 224]}, \"preprocessing\": {\"mean\": [1, 2, 3], "
                + "\"std\": [1, 0, 1]}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelJsonReader.preprocessing("m", json));
        assertEquals("model.json of 'm': preprocessing.mean and preprocessing.std must each have 3 values, std > 0",
                e.getMessage());
        JsonNode filter = JSON.readTree("{\"input\": {\"size\": [224, 224]}, \"preprocessing\": {\"mean\": [1, 2, 3], "
                + "\"std\": [1, 1, 1], \"interpolation\": \"sinc\"}}");
        assertEquals("model.json of 'm': unknown interpolation 'sinc'; expected one of [bilinear, bicubic, lanczos, "
                + "area, nearest]", assertThrows(IllegalArgumentException.class,
                () -> ModelJsonReader.preprocessing("m", filter)).getMessage());
    }
}
