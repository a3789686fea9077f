package org.convnetplayground.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import shade.com.google.protobuf.ByteString;
import shade.com.google.protobuf.UnknownFieldSet;

/**
 * A model may say that a tensor's values are in a file (ONNX external data). ONNX Runtime then opens that file -
 * relative to the working directory when the model is given as bytes, as the first test shows - so the check must find
 * such tensors wherever they hide: subgraphs at any depth, tensor attributes, sparse tensors, local functions.
 */
class ExternalDataTest {

    private static final float[] SECRET = {11f, 22f, 33f, 44f};

    /**
     * What the check guards against, shown with ONNX Runtime itself: an If whose branch holds an initializer kept in
     * a file at a relative location, loaded from bytes (no model path), reads that file relative to the process's
     * working directory, and the file's bytes come out as the model's output.
     */
    @Test
    void onnxRuntimeReadsExternalDataRelativeToTheWorkingDirectoryWhenGivenBytes() throws Exception {
        Path probe = Path.of("target", "external-data-probe.bin");
        Files.createDirectories(probe.getParent());
        ByteBuffer raw = ByteBuffer.allocate(SECRET.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : SECRET) {
            raw.putFloat(f);
        }
        Files.write(probe, raw.array());
        // the location is relative, as an attacker would write it; the process's working directory is the module's
        String location = probe.toString();
        byte[] hostile = ifModel(location).toByteArray();

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(hostile, new OrtSession.SessionOptions());
             OnnxTensor cond = OnnxTensor.createTensor(env, new boolean[] {true});
             OrtSession.Result result = session.run(Map.of("cond", cond))) {
            assertArrayEquals(SECRET, (float[]) result.get(0).getValue(),
                    "ONNX Runtime read " + probe.toAbsolutePath() + " through the model");
        } finally {
            Files.deleteIfExists(probe);
        }
        List<OnnxModel.ExternalData> found = OnnxModel.parse(hostile).externalData();
        assertEquals(List.of(new OnnxModel.ExternalData("W", "an initializer of the subgraph 'then_branch' of node "
                + "'choose' (If) in the main graph", location)), found);
    }

    @Test
    void findsExternalDataInSubgraphsAtAnyDepthAndInEveryKindOfTensorAttribute() {
        ModelProto proto = ifModel("Makefile");
        GraphProto main = proto.getGraph();
        // the else branch gets a Loop whose body holds a Constant with external values, and a sparse Constant
        GraphProto loopBody = GraphProto.newBuilder().setName("body")
                .addInput(scalar("i", TensorProto.DataType.INT64_VALUE))
                .addInput(scalar("c", TensorProto.DataType.BOOL_VALUE))
                .addOutput(scalar("c_out", TensorProto.DataType.BOOL_VALUE))
                .addNode(NodeProto.newBuilder().setName("secret").setOpType("Constant").addOutput("k")
                        .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                                .setT(external("", "../../etc/passwd"))))
                .addNode(NodeProto.newBuilder().setName("sparse").setOpType("Constant").addOutput("s")
                        .addAttribute(AttributeProto.newBuilder().setName("sparse_value")
                                .setType(AttributeProto.AttributeType.SPARSE_TENSOR)
                                .setSparseTensor(SparseTensorProto.newBuilder().setValues(external("sv", "/etc/shadow"))
                                        .setIndices(TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE)
                                                .addDims(1).addInt64Data(0)))))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("c").addOutput("c_out"))
                .build();
        GraphProto elseBranch = main.getNode(0).getAttribute(1).getG().toBuilder()
                .addNode(NodeProto.newBuilder().setName("loop").setOpType("Loop").addInput("").addInput("")
                        .addAttribute(AttributeProto.newBuilder().setName("body").setType(AttributeProto.AttributeType.GRAPH)
                                .setG(loopBody)))
                .addSparseInitializer(SparseTensorProto.newBuilder().setValues(external("sparse_w", "data.bin"))
                        .setIndices(TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(1)
                                .addInt64Data(0)))
                .build();
        NodeProto choose = main.getNode(0).toBuilder()
                .setAttribute(1, main.getNode(0).getAttribute(1).toBuilder().setG(elseBranch)).build();
        // a node of the main graph with a list of tensors
        NodeProto listed = NodeProto.newBuilder().setName("custom").setOpType("Identity").addInput("y").addOutput("z")
                .addAttribute(AttributeProto.newBuilder().setName("tensors").setType(AttributeProto.AttributeType.TENSORS)
                        .addTensors(external("listed", "a.bin"))).build();
        ModelProto hostile = proto.toBuilder().setGraph(main.toBuilder().setNode(0, choose).addNode(listed)).build();

        List<OnnxModel.ExternalData> found = OnnxModel.parse(hostile.toByteArray()).externalData();
        String elseWhere = "the subgraph 'else_branch' of node 'choose' (If) in the main graph";
        String bodyWhere = "the subgraph 'body' of node 'loop' (Loop) in " + elseWhere;
        assertEquals(List.of(
                new OnnxModel.ExternalData("W", "an initializer of the subgraph 'then_branch' of node 'choose' (If) "
                        + "in the main graph", "Makefile"),
                new OnnxModel.ExternalData("sparse_w", "a sparse initializer of " + elseWhere + " (its values)",
                        "data.bin"),
                new OnnxModel.ExternalData("secret.value", "attribute 'value' of node 'secret' (Constant) in "
                        + bodyWhere, "../../etc/passwd"),
                new OnnxModel.ExternalData("sparse.sparse_value", "attribute 'sparse_value' of node 'sparse' "
                        + "(Constant) in " + bodyWhere + " (its values)", "/etc/shadow"),
                new OnnxModel.ExternalData("custom.tensors", "attribute 'tensors' of node 'custom' (Identity) in "
                        + "the main graph", "a.bin")), found);
        assertEquals(List.of("W", "sparse_w", "secret.value", "sparse.sparse_value", "custom.tensors"),
                OnnxModel.parse(hostile.toByteArray()).externalDataTensors());
    }

    /**
     * Local functions (ModelProto field 25) are newer than this protobuf, which keeps them as unknown fields; ONNX
     * Runtime reads them and runs their nodes, so a Constant in a function is checked as well.
     */
    @Test
    void findsExternalDataInLocalFunctionsThisProtobufDoesNotKnow() {
        NodeProto constant = NodeProto.newBuilder().setName("k").setOpType("Constant").addOutput("k")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(external("kv", "Makefile"))).build();
        UnknownFieldSet function = UnknownFieldSet.newBuilder()
                .addField(1, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("leak")).build())
                .addField(7, UnknownFieldSet.Field.newBuilder().addLengthDelimited(constant.toByteString()).build())
                .build();
        ModelProto clean = TinyModels.convReluPool();
        ModelProto withFunction = clean.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(25, UnknownFieldSet.Field.newBuilder().addLengthDelimited(function.toByteString()).build())
                .build()).build();
        // it survives a round trip through bytes, as ONNX Runtime would receive it
        OnnxModel parsed = OnnxModel.parse(withFunction.toByteArray());
        assertEquals(List.of(new OnnxModel.ExternalData("k.value", "attribute 'value' of node 'k' (Constant) in the "
                + "local function 'leak'", "Makefile")), parsed.externalData());
        assertEquals(List.of(), OnnxModel.parse(clean.toByteArray()).externalData());
    }

    /** cond -> If(then: Identity(W), else: Constant zeros) -> y; W's values are said to be at {@code location}. */
    private static ModelProto ifModel(String location) {
        TensorProto w = external("W", location).toBuilder().addDims(SECRET.length).build();
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addInitializer(w)
                .addOutput(TinyModels.tensor("then_y", SECRET.length))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("W").addOutput("then_y"))
                .build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addOutput(TinyModels.tensor("else_y", SECRET.length))
                .addNode(NodeProto.newBuilder().setName("zeros").setOpType("Constant").addOutput("else_y")
                        .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                                .setT(TinyModels.floats("", new float[SECRET.length], SECRET.length))))
                .build();
        GraphProto graph = GraphProto.newBuilder().setName("hostile")
                .addInput(scalar("cond", TensorProto.DataType.BOOL_VALUE))
                .addOutput(TinyModels.tensor("y", SECRET.length))
                .addNode(NodeProto.newBuilder().setName("choose").setOpType("If").addInput("cond").addOutput("y")
                        .addAttribute(AttributeProto.newBuilder().setName("then_branch")
                                .setType(AttributeProto.AttributeType.GRAPH).setG(thenBranch))
                        .addAttribute(AttributeProto.newBuilder().setName("else_branch")
                                .setType(AttributeProto.AttributeType.GRAPH).setG(elseBranch)))
                .build();
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
    }

    /** A float tensor whose values are said to be in {@code location}. */
    private static TensorProto external(String name, String location) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .build();
    }

    private static ValueInfoProto scalar(String name, int type) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type).setShape(
                        ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder().addDim(
                                ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))))).build();
    }
}
