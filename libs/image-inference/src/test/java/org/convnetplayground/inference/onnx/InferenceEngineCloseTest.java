package org.convnetplayground.inference.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.convnetplayground.errors.UnavailableException;
import org.junit.jupiter.api.Test;

/**
 * The engine on the real tiny MobileNet v1 of ../shared/models through its session cache: a runner works until the
 * engine closes, and afterwards both the runner and new runners are refused with the owner's message.
 */
class InferenceEngineCloseTest {

    private static final Path MODEL = Path.of(System.getProperty("cnp.shared.dir", "../../../shared"),
            "models", "mobilenet_v1_0.25_128", "model.onnx");
    private static final String REFUSAL = "the test host is shutting down; try again once it is back";

    @Test
    void runsUntilClosedThenRefusesRunnersOldAndNew() {
        assertTrue(Files.isRegularFile(MODEL), "missing " + MODEL.toAbsolutePath());
        InferenceEngine engine = InferenceEngine.builder().optThreads(1).optSessionCacheSize(1)
                .optShutdownTimeout(Duration.ofSeconds(20)).optOwner("the test host").build();
        List<String> layers = List.of("logits", "Conv2d_0");
        InferenceEngine.Runner runner = engine.open("mobilenet", MODEL, "input", layers);
        float[] image = new float[2 * 3 * 128 * 128];
        for (int i = 0; i < image.length; i++) {
            image[i] = (i % 251) / 250f * 2 - 1;
        }
        Map<String, LayerOutput> out = runner.run(FloatBuffer.wrap(image), new long[] {2, 3, 128, 128});
        assertEquals(layers, List.copyOf(out.keySet()));
        assertArrayEquals(new long[] {2, 1000}, out.get("logits").shape());
        assertArrayEquals(new long[] {2, 8, 64, 64}, out.get("Conv2d_0").shape());

        // the same (model, layer set) in another order is the same session; it keeps working while held twice
        try (InferenceEngine.Runner same = engine.open("mobilenet", MODEL, "input", List.of("Conv2d_0", "logits"))) {
            Map<String, LayerOutput> again = same.run(FloatBuffer.wrap(image), new long[] {2, 3, 128, 128});
            assertArrayEquals(new long[] {2, 1000}, again.get("logits").shape());
        }

        engine.close();
        UnavailableException held = assertThrows(UnavailableException.class,
                () -> runner.run(FloatBuffer.wrap(image), new long[] {2, 3, 128, 128}));
        assertEquals(REFUSAL, held.getMessage());
        UnavailableException fresh = assertThrows(UnavailableException.class,
                () -> engine.open("mobilenet", MODEL, "input", layers));
        assertEquals(REFUSAL, fresh.getMessage());
        runner.close();
        engine.close();
    }
}
