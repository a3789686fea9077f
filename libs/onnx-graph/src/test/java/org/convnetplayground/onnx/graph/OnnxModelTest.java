package org.convnetplayground.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OnnxModelTest {

    private final OnnxModel model = OnnxModel.parse(TinyModels.convReluPool().toByteArray());

    @Test
    void parsesNodesInputsAndParameters() {
        OnnxGraph g = model.graph();
        assertEquals(List.of("conv", "relu", "pool"), g.nodes().stream().map(GraphNode::layerName).toList());
        assertEquals(List.of("Conv", "Relu", "ReduceMean"), g.nodes().stream().map(GraphNode::opType).toList());
        assertEquals(20, g.parameterCount());
        assertEquals(List.of(20L, 0L, 0L), g.nodes().stream().map(GraphNode::parameters).toList());
        assertEquals(List.of(2L, 1L, 3L, 3L), g.nodes().get(0).weightDims().get(1));
        assertEquals(List.of(3L, 3L), g.nodes().get(0).longsAttribute("kernel_shape"));
        assertEquals(1, g.inputs().size());
        assertEquals(List.of("batch", "1", "4", "4"), g.inputs().get(0).dims());
        assertEquals(-1, g.inputs().get(0).dim(0));
        assertEquals(4, g.inputs().get(0).dim(3));
        assertEquals("relu_node", g.producerOf("relu").orElseThrow().name());
        assertEquals(List.of("pool"), g.outputs());
        assertEquals(13, model.opsetVersion());
        assertArrayEquals(TinyModels.WEIGHTS, model.initializerFloats("W").orElseThrow());
    }

    @Test
    void graphSurgeryExposesIntermediateTensorsWithExactValues() throws Exception {
        float[] image = new float[16];
        for (int i = 0; i < 16; i++) {
            image[i] = (i % 5) - 1.5f;
        }
        float[][] conv = TinyModels.convByHand(image);
        byte[] surgered = model.withOutputs(List.of("conv", "pool"));
        assertEquals(List.of("conv", "pool"), OnnxModel.parse(surgered).graph().outputs());

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(surgered, new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(image), new long[] {1, 1, 4, 4});
             OrtSession.Result result = session.run(Map.of("x", x), Set.of("conv", "pool"))) {
            float[][][][] convOut = (float[][][][]) result.get("conv").orElseThrow().getValue();
            float[][][][] poolOut = (float[][][][]) result.get("pool").orElseThrow().getValue();
            for (int c = 0; c < 2; c++) {
                double mean = 0;
                for (int i = 0; i < 16; i++) {
                    assertEquals(conv[c][i], convOut[0][c][i / 4][i % 4], 1e-6, "conv c=" + c + " i=" + i);
                    mean += Math.max(0, conv[c][i]);
                }
                assertEquals(mean / 16, poolOut[0][c][0][0], 1e-6);
            }
        }
    }

    @Test
    void surgeryRejectsUnknownTensors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.withOutputs(List.of("conv9")));
        assertTrue(e.getMessage().contains("conv9"));
    }

    @Test
    void rejectsBytesThatAreNotOnnx() {
        assertThrows(InvalidModelException.class,
                () -> OnnxModel.parse("definitely not a protobuf \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1)));
        assertThrows(InvalidModelException.class, () -> OnnxModel.parse(new byte[0]));
    }

    @Test
    void readsTheSharedModelsWithTheirParameterCounts() throws Exception {
        Path shared = Path.of(System.getProperty("cnp.shared.dir", "../../../shared"), "models");
        OnnxModel v2 = OnnxModel.read(shared.resolve("mobilenet_v2_1.0_224/model.onnx"), 100_000_000);
        assertEquals(170, v2.graph().nodes().size());
        assertEquals(3_487_816, v2.graph().parameterCount());
        assertEquals(3_487_816, v2.graph().nodes().stream().mapToLong(GraphNode::parameters).sum());
        assertTrue(v2.graph().producerOf("global_pool").isPresent());
    }
    @Test
    void findsTensorsWhoseValuesLiveInExternalFiles() {
        assertEquals(List.of(), model.externalDataTensors());
        ai.onnx.proto.OnnxMl.ModelProto proto = TinyModels.convReluPool();
        ai.onnx.proto.OnnxMl.TensorProto external = proto.getGraph().getInitializer(0).toBuilder()
                .clearFloatData()
                .setDataLocation(ai.onnx.proto.OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("location").setValue("../../etc/passwd"))
                .build();
        ai.onnx.proto.OnnxMl.ModelProto hostile = proto.toBuilder()
                .setGraph(proto.getGraph().toBuilder().setInitializer(0, external)).build();
        assertEquals(List.of("W"), OnnxModel.parse(hostile.toByteArray()).externalDataTensors());
    }
}
