package org.convnetplayground.features.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.convnetplayground.features.CatalogService;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.convnetplayground.problem.DomainProblems;
import org.junit.jupiter.api.Test;
import org.convnetplayground.inference.onnx.ModelRefusedException;
import org.convnetplayground.inference.onnx.LayerOutput;
import org.convnetplayground.inference.onnx.InferenceEngine;

/**
 * A model whose tensors keep their values in other files (ONNX external data; ONNX Runtime would open whatever path
 * the model names, relative ones from the working directory) is refused by the engine before any session exists;
 * the same model with its values inside runs, with exact outputs. Models built in the test: y = x + W.
 */
@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class ExternalDataRefusalTest {

    private static final Path DIR = Path.of("target/test-data/external-data");

    @Inject
    InferenceEngine engine;

    @Test
    void aModelWithItsValuesInsideRuns() throws Exception {
        Path file = write("inside", model(graph(inline("W", 10f, 20f))));
        try (InferenceEngine.Runner runner = engine.open("inside", file, "x", List.of("y"))) {
            Map<String, org.convnetplayground.inference.onnx.LayerOutput> out =
                    runner.run(FloatBuffer.wrap(new float[] {1f, 2f, 3f, 4f}), new long[] {2, 2});
            float[] y = new float[4];
            out.get("y").data().get(0, y);
            assertArrayEquals(new float[] {11f, 22f, 13f, 24f}, y);
        }
    }

    @Test
    void anExternalInitializerIsRefusedNamingIt() throws Exception {
        assertRefused("initializer", model(graph(external("W"))), "[W]");
    }

    @Test
    void anExternalConstantValueIsRefusedNamingIt() throws Exception {
        GraphProto g = GraphProto.newBuilder().setName("constant")
                .addInput(tensor("x")).addOutput(tensor("y"))
                .addNode(NodeProto.newBuilder().setName("c").setOpType("Constant").addOutput("W")
                        .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                                .setT(external("W"))))
                .addNode(add())
                .build();
        assertRefused("constant", model(g), "c.value");
    }

    /**
     * An If node whose branch keeps an initializer outside: found by libs/onnx-graph's walk of every subgraph
     * (OnnxModel.externalDataTensors); skipped while that library looks at the main graph only.
     */
    @Test
    void anExternalInitializerInASubgraphIsRefused() throws Exception {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then").addOutput(tensor("w_then"))
                .addInitializer(external("W_sub"))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("W_sub").addOutput("w_then")).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else").addOutput(tensor("w_else"))
                .addInitializer(inline("W_else", 1f, 2f))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("W_else").addOutput("w_else")).build();
        GraphProto g = GraphProto.newBuilder().setName("branches")
                .addInput(tensor("x")).addOutput(tensor("y"))
                .addInitializer(TensorProto.newBuilder().setName("cond").setDataType(TensorProto.DataType.BOOL_VALUE)
                        .addInt32Data(1))
                .addNode(NodeProto.newBuilder().setName("if").setOpType("If").addInput("cond").addOutput("W")
                        .addAttribute(AttributeProto.newBuilder().setName("then_branch")
                                .setType(AttributeProto.AttributeType.GRAPH).setG(thenBranch))
                        .addAttribute(AttributeProto.newBuilder().setName("else_branch")
                                .setType(AttributeProto.AttributeType.GRAPH).setG(elseBranch)))
                .addNode(add())
                .build();
        ModelProto m = model(g);
        assumeFalse(OnnxModel.parse(m.toByteArray()).externalDataTensors().isEmpty(),
                "libs/onnx-graph does not look into subgraphs yet");
        assertRefused("subgraph", m, "W_sub");
    }

    private void assertRefused(String name, ModelProto model, String tensor) throws IOException {
        Path file = write(name, model);
        ModelRefusedException e = assertThrows(ModelRefusedException.class,
                () -> engine.open("refused-" + name, file, "x", List.of("y")).close());
        assertEquals(422, DomainProblems.statusOf(e));
        assertEquals("Model refused", e.title());
        assertTrue(e.detail().contains(tensor) && e.detail().contains("external data")
                && e.detail().contains(file.getFileName().toString()), e.detail());
    }

    private static Path write(String name, ModelProto model) throws IOException {
        Files.createDirectories(DIR);
        return Files.write(DIR.resolve(name + ".onnx"), model.toByteArray());
    }

    private static ModelProto model(GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
    }

    /** y = x + W, with W as given. */
    private static GraphProto graph(TensorProto w) {
        return GraphProto.newBuilder().setName("add").addInput(tensor("x")).addOutput(tensor("y"))
                .addInitializer(w).addNode(add()).build();
    }

    private static NodeProto add() {
        return NodeProto.newBuilder().setName("add").setOpType("Add").addInput("x").addInput("W").addOutput("y").build();
    }

    private static TensorProto inline(String name, float... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(values.length);
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    /** Two floats said to be in the repository's Makefile, as in the finding of issue 10. */
    private static TensorProto external(String name) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("Makefile"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("8"))
                .build();
    }

    /** A float tensor [batch, 2]. */
    private static ValueInfoProto tensor(String name) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(2)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
