package org.convnetplayground.catalog;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/** What the import, download and limit tests share: the tiny shared model, tiny graphs built here, store checks. */
final class CatalogTesting {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MOBILENET = "mobilenet_v1_0.25_128";
    static final Path MOBILENET_DIR = ModelResourceTest.MODELS.resolve(MOBILENET);

    private CatalogTesting() {
    }

    static byte[] mobilenetBytes() throws IOException {
        return Files.readAllBytes(MOBILENET_DIR.resolve("model.onnx"));
    }

    /** The shared model's own model.json, named {@code name}. */
    static ObjectNode mobilenetJson(String name) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(MOBILENET_DIR.resolve("model.json").toFile());
        json.put("name", name);
        return json;
    }

    /**
     * POST /api/catalog/models with the model bytes and the metadata text as its two parts (file parts named
     * model.onnx and model.json). The parts are sent from files: REST Assured is slow with large byte arrays.
     */
    static ValidatableResponse upload(byte[] model, String metadata) {
        return upload(model, metadata, null);
    }

    /** The same, with a labels part when {@code labels} is not null. */
    static ValidatableResponse upload(byte[] model, String metadata, String labels) {
        try {
            Path dir = Files.createTempDirectory("catalog-upload");
            try {
                Path file = Files.write(dir.resolve("model.onnx"), model);
                RequestSpecification request = given().multiPart("model", file.toFile(), "application/octet-stream");
                if (metadata != null) {
                    Path json = Files.writeString(dir.resolve("model.json"), metadata);
                    request.multiPart("metadata", json.toFile(), "application/json");
                }
                if (labels != null) {
                    request.multiPart("labels", Files.writeString(dir.resolve("labels.txt"), labels).toFile(), "text/plain");
                }
                return request.when().post("/api/catalog/models").then();
            } finally {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A body for POST /api/catalog/models/download: the shared MobileNet's metadata named {@code id}. */
    static String downloadBody(String id, String url, String sha) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("id", id).put("url", url).put("sha256", sha);
        ObjectNode metadata = mobilenetJson(id);
        metadata.remove("sha256");
        body.set("metadata", metadata);
        return body.toString();
    }

    /** The shared models as the catalog lists them, with their checksums. */
    static List<String> sharedModels() {
        List<Map<String, Object>> models = given().get("/api/catalog/models").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return models.stream().filter(m -> Boolean.TRUE.equals(m.get("readOnly")))
                .map(m -> m.get("id") + " " + m.get("sha256")).toList();
    }

    /** Deletes every imported or downloaded model. */
    static void emptyStore() {
        List<Map<String, Object>> models = given().get("/api/catalog/models").then().statusCode(200)
                .extract().jsonPath().getList("$");
        for (Map<String, Object> m : models) {
            if (Boolean.FALSE.equals(m.get("readOnly"))) {
                given().delete("/api/catalog/models/" + m.get("id")).then().statusCode(204);
            }
        }
    }

    /** The store's folder entries (models, stages, anything). */
    static List<String> storeEntries(Path store) throws IOException {
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(store)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The service still answers, serves the same shared models and the store holds exactly {@code expected}. */
    static void assertUnharmed(List<String> sharedBefore, Path store, List<String> expected) throws IOException {
        assertEquals(sharedBefore, sharedModels(), "the shared models are unchanged");
        given().get("/q/health/ready").then().statusCode(200);
        assertEquals(expected, storeEntries(store), "the store holds nothing new (no model, no stage folder)");
    }

    /** Polls a job until it reaches a final state. */
    static Map<String, Object> awaitJob(String url, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> job = given().get(url).then().statusCode(200).extract().jsonPath().getMap("$");
            String state = (String) job.get("state");
            if (state.equals("succeeded") || state.equals("failed") || state.equals("cancelled")) {
                return job;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        fail("job " + url + " did not finish within " + limit);
        return Map.of();
    }

    // ---- tiny ONNX graphs -------------------------------------------------------------------------------------

    /** x[1, 10] -> Relu -> y: a valid ONNX model without an image input. */
    static byte[] vectorModel() {
        GraphProto graph = GraphProto.newBuilder().setName("vector")
                .addInput(tensor("x", 1, 10))
                .addOutput(tensor("y", 1, 10))
                .addNode(NodeProto.newBuilder().setName("relu").setOpType("Relu").addInput("x").addOutput("y"))
                .build();
        return model(graph);
    }

    /** x[batch, 3, 8, 8] -> Conv (2 filters 3x3, pad 1) "conv" -> Relu "relu" -> ReduceMean(H, W) "pool". */
    static byte[] tinyImageModel() {
        return tinyImageModel(false);
    }

    /**
     * The same network; with {@code nhwc} its input is x[batch, 8, 8, 3], transposed to NCHW ("nchw") before the Conv.
     */
    static byte[] tinyImageModel(boolean nhwc) {
        return tinyImageModel(nhwc, "Relu");
    }

    /**
     * The same network with another element-wise operator in place of the Relu (its output is still called "relu"):
     * "Log" turns the Conv's negative outputs into NaN.
     */
    static byte[] tinyImageModel(boolean nhwc, String activation) {
        float[] w = new float[2 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7 - 3) / 10f;
        }
        GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny")
                .addInput(nhwc ? tensor("x", "batch", 8, 8, 3) : tensor("x", "batch", 3, 8, 8))
                .addOutput(tensor("pool", "batch", 2, 1, 1))
                .addInitializer(floats("W", w, 2, 3, 3, 3))
                .addInitializer(floats("B", new float[] {0.1f, -0.1f}, 2));
        if (nhwc) {
            graph.addNode(NodeProto.newBuilder().setName("to_nchw").setOpType("Transpose").addInput("x")
                    .addOutput("nchw").addAttribute(ints("perm", 0, 3, 1, 2)));
        }
        graph.addNode(NodeProto.newBuilder().setName("conv_node").setOpType("Conv")
                        .addInput(nhwc ? "nchw" : "x").addInput("W").addInput("B").addOutput("conv")
                        .addAttribute(ints("pads", 1, 1, 1, 1)).addAttribute(ints("kernel_shape", 3, 3)))
                .addNode(NodeProto.newBuilder().setName("relu_node").setOpType(activation).addInput("conv").addOutput("relu"))
                .addNode(NodeProto.newBuilder().setName("pool_node").setOpType("ReduceMean")
                        .addInput("relu").addOutput("pool")
                        .addAttribute(ints("axes", 2, 3))
                        .addAttribute(AttributeProto.newBuilder().setName("keepdims").setI(1)
                                .setType(AttributeProto.AttributeType.INT)));
        return model(graph.build());
    }

    /** {@link #tinyImageModel()} with its weights said to be in a file outside the model (ONNX external data). */
    static byte[] tinyImageModelWithExternalWeights() throws IOException {
        ModelProto proto = ModelProto.parseFrom(tinyImageModel());
        TensorProto external = proto.getGraph().getInitializer(0).toBuilder().clearFloatData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("location").setValue("../../../../etc/passwd"))
                .build();
        return proto.toBuilder().setGraph(proto.getGraph().toBuilder().setInitializer(0, external)).build().toByteArray();
    }

    /**
     * {@link #tinyImageModel()} with an If node "leak" beside it: its then-branch holds an initializer "secret" whose
     * values are said to be in the file "Makefile" (a path relative to the service's working directory), and
     * its else-branch a Loop whose body holds a Constant "inner" whose value is said to be in {@code innerLocation}.
     * With {@code withSecret} false only the Constant in the nested Loop body refers to a file.
     */
    static byte[] tinyImageModelWithHiddenExternalData(boolean withSecret, String innerLocation) throws IOException {
        ModelProto proto = ModelProto.parseFrom(tinyImageModel());
        TensorProto.Builder secret = TensorProto.newBuilder().setName("secret").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4);
        if (withSecret) {
            secret.setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(location("Makefile"));
        } else {
            secret.addFloatData(1).addFloatData(2).addFloatData(3).addFloatData(4);
        }
        GraphProto thenBranch = GraphProto.newBuilder().setName("then").addInitializer(secret)
                .addOutput(tensor("then_out", 4))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("secret").addOutput("then_out")).build();
        GraphProto body = GraphProto.newBuilder().setName("body")
                .addNode(NodeProto.newBuilder().setName("inner").setOpType("Constant").addOutput("k")
                        .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                                .setT(TensorProto.newBuilder().setName("k").setDataType(TensorProto.DataType.FLOAT_VALUE)
                                        .addDims(4).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                                        .addExternalData(location(innerLocation)))))
                .build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else").addOutput(tensor("else_out", 4))
                .addNode(NodeProto.newBuilder().setName("loop").setOpType("Loop").addInput("").addInput("")
                        .addOutput("else_out")
                        .addAttribute(AttributeProto.newBuilder().setName("body").setType(AttributeProto.AttributeType.GRAPH)
                                .setG(body)))
                .build();
        NodeProto leak = NodeProto.newBuilder().setName("leak").setOpType("If").addInput("pool").addOutput("leaked")
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(thenBranch))
                .addAttribute(AttributeProto.newBuilder().setName("else_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(elseBranch))
                .build();
        return proto.toBuilder().setGraph(proto.getGraph().toBuilder().addNode(leak)).build().toByteArray();
    }

    private static ai.onnx.proto.OnnxMl.StringStringEntryProto location(String file) {
        return ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(file).build();
    }

    /** Metadata for {@link #tinyImageModel()}: only what cannot be read from the graph. */
    static String tinyMetadata(String name) {
        return "{\"name\": \"" + name + "\", \"preprocessing\": {\"mean\": [127.5, 127.5, 127.5], "
                + "\"std\": [127.5, 127.5, 127.5]}}";
    }

    private static byte[] model(GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("catalog-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(graph).build().toByteArray();
    }

    private static ValueInfoProto tensor(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String s) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
