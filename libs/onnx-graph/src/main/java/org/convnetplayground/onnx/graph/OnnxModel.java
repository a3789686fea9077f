package org.convnetplayground.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX model file held as its protobuf. The one place that touches the generated {@code OnnxMl} classes:
 * it parses the graph into {@link OnnxGraph} and performs the graph surgery that exposes intermediate tensors as
 * outputs, so one forward pass yields every requested layer.
 */
public final class OnnxModel {

    /** ModelProto field 25: {@code repeated FunctionProto functions}, added to ONNX after this protobuf's version. */
    private static final int MODEL_FUNCTIONS = 25;
    /** FunctionProto field 7: {@code repeated NodeProto node}. */
    private static final int FUNCTION_NODES = 7;
    /** FunctionProto field 11: {@code repeated AttributeProto attribute_proto} (attribute defaults). */
    private static final int FUNCTION_ATTRIBUTE_DEFAULTS = 11;
    /** FunctionProto field 1: {@code string name}. */
    private static final int FUNCTION_NAME = 1;

    private final ModelProto proto;
    private final OnnxGraph graph;

    private OnnxModel(ModelProto proto) {
        this.proto = proto;
        this.graph = toGraph(proto.getGraph());
    }

    /** Parses a model file, refusing files larger than {@code maxBytes}. */
    public static OnnxModel read(Path file, long maxBytes) throws IOException {
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new InvalidModelException("the model file is " + size + " bytes; the limit is " + maxBytes);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        }
    }

    public static OnnxModel parse(byte[] bytes) {
        try {
            return validated(ModelProto.parseFrom(bytes));
        } catch (shade.com.google.protobuf.InvalidProtocolBufferException e) {
            throw new InvalidModelException("not an ONNX model: the file is not a valid ONNX protobuf", e);
        }
    }

    public static OnnxModel parse(InputStream in) throws IOException {
        try {
            return validated(ModelProto.parseFrom(in));
        } catch (shade.com.google.protobuf.InvalidProtocolBufferException e) {
            throw new InvalidModelException("not an ONNX model: the file is not a valid ONNX protobuf", e);
        }
    }

    private static OnnxModel validated(ModelProto proto) {
        if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0) {
            throw new InvalidModelException("not an ONNX model: it has no graph nodes");
        }
        if (proto.getIrVersion() <= 0) {
            throw new InvalidModelException("not an ONNX model: it declares no IR version");
        }
        OnnxModel model = new OnnxModel(proto);
        if (model.graph.inputs().isEmpty()) {
            throw new InvalidModelException("the ONNX graph has no input (every input is an initializer)");
        }
        return model;
    }

    public OnnxGraph graph() {
        return graph;
    }

    public long irVersion() {
        return proto.getIrVersion();
    }

    /** The opset version of the default ONNX domain, or 0 when none is declared. */
    public long opsetVersion() {
        return proto.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(o -> o.getVersion()).max().orElse(0);
    }

    public String producer() {
        return (proto.getProducerName() + " " + proto.getProducerVersion()).trim();
    }

    /**
     * The model re-serialised with {@code tensors} as its graph outputs, in that order; tensors that were already
     * outputs keep their declared type. The types of the new outputs are left to ONNX Runtime's inference.
     *
     * @throws IllegalArgumentException when a name is not produced by any node
     */
    public byte[] withOutputs(Collection<String> tensors) {
        GraphProto g = proto.getGraph();
        Set<String> produced = graph.producedTensors();
        Map<String, ValueInfoProto> declared = new LinkedHashMap<>();
        for (ValueInfoProto v : g.getOutputList()) {
            declared.put(v.getName(), v);
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            declared.putIfAbsent(v.getName(), v);
        }
        GraphProto.Builder builder = g.toBuilder().clearOutput();
        for (String t : new LinkedHashSet<>(tensors)) {
            if (!produced.contains(t)) {
                throw new IllegalArgumentException("no node produces tensor '" + t + "'");
            }
            ValueInfoProto known = declared.get(t);
            builder.addOutput(known != null ? known : ValueInfoProto.newBuilder().setName(t).build());
        }
        return proto.toBuilder().setGraph(builder).build().toByteArray();
    }

    /** The serialised model, unchanged. */
    public byte[] bytes() {
        return proto.toByteArray();
    }

    /**
     * The names of the tensors whose values are not in the model but in files beside it (ONNX external data),
     * wherever they are; see {@link #externalData()}. A model received from elsewhere must not have any: their
     * locations are paths ONNX Runtime would read.
     */
    public List<String> externalDataTensors() {
        return externalData().stream().map(ExternalData::tensor).toList();
    }

    /**
     * A tensor whose values the model keeps in a file (ONNX external data).
     *
     * @param tensor   the tensor's name (for an unnamed tensor attribute, the attribute's name)
     * @param where    where it is in the model, e.g. "an initializer of the subgraph 'then_branch' of node 'if' (If)
     *                 in the main graph"
     * @param location the file its {@code location} entry names ("" when it names none)
     */
    public record ExternalData(String tensor, String where, String location) {
    }

    /**
     * Every tensor that refers to external data, in the order met: the initializers and sparse initializers of the
     * main graph and of every subgraph at any depth (the bodies and branches of If, Loop, Scan or any other node's
     * graph attributes), every tensor attribute (Constant values, lists of tensors, sparse tensors), the graphs of
     * the model's training info, and the nodes and attribute defaults of the model's local functions (which this
     * protobuf version does not know, so they are read from its unknown field 25, as ONNX Runtime reads them).
     */
    public List<ExternalData> externalData() {
        List<ExternalData> out = new ArrayList<>();
        inGraph(proto.getGraph(), "the main graph", out);
        for (int i = 0; i < proto.getTrainingInfoCount(); i++) {
            ai.onnx.proto.OnnxMl.TrainingInfoProto info = proto.getTrainingInfo(i);
            inGraph(info.getInitialization(), "the initialization graph of training info " + i, out);
            inGraph(info.getAlgorithm(), "the algorithm graph of training info " + i, out);
        }
        inFunctions(proto.getUnknownFields(), out);
        return List.copyOf(out);
    }

    private static void inFunctions(shade.com.google.protobuf.UnknownFieldSet fields, List<ExternalData> out) {
        if (!fields.hasField(MODEL_FUNCTIONS)) {
            return;
        }
        int index = 0;
        for (shade.com.google.protobuf.ByteString bytes : fields.getField(MODEL_FUNCTIONS).getLengthDelimitedList()) {
            try {
                shade.com.google.protobuf.UnknownFieldSet function =
                        shade.com.google.protobuf.UnknownFieldSet.parseFrom(bytes);
                String name = function.hasField(FUNCTION_NAME)
                        && !function.getField(FUNCTION_NAME).getLengthDelimitedList().isEmpty()
                        ? function.getField(FUNCTION_NAME).getLengthDelimitedList().get(0).toStringUtf8() : "#" + index;
                String where = "the local function '" + name + "'";
                if (function.hasField(FUNCTION_NODES)) {
                    for (shade.com.google.protobuf.ByteString node : function.getField(FUNCTION_NODES).getLengthDelimitedList()) {
                        inNode(NodeProto.parseFrom(node), where, out);
                    }
                }
                if (function.hasField(FUNCTION_ATTRIBUTE_DEFAULTS)) {
                    for (shade.com.google.protobuf.ByteString a
                            : function.getField(FUNCTION_ATTRIBUTE_DEFAULTS).getLengthDelimitedList()) {
                        AttributeProto attribute = AttributeProto.parseFrom(a);
                        inAttribute(attribute, "the default of attribute '" + attribute.getName() + "' of " + where,
                                attribute.getName(), out);
                    }
                }
            } catch (shade.com.google.protobuf.InvalidProtocolBufferException e) {
                // ONNX Runtime cannot read it either; say so rather than let an unreadable function through
                out.add(new ExternalData("local function #" + index, "an unreadable local function of the model", ""));
            }
            index++;
        }
    }

    private static void inGraph(GraphProto g, String where, List<ExternalData> out) {
        for (TensorProto t : g.getInitializerList()) {
            check(t, t.getName(), "an initializer of " + where, out);
        }
        for (SparseTensorProto s : g.getSparseInitializerList()) {
            checkSparse(s, s.getValues().getName(), "a sparse initializer of " + where, out);
        }
        for (NodeProto n : g.getNodeList()) {
            inNode(n, where, out);
        }
    }

    private static void inNode(NodeProto n, String where, List<ExternalData> out) {
        String node = "node " + (n.getName().isEmpty() ? "#" : "'" + n.getName() + "'") + " (" + n.getOpType() + ")";
        for (AttributeProto a : n.getAttributeList()) {
            inAttribute(a, "attribute '" + a.getName() + "' of " + node + " in " + where,
                    n.getName().isEmpty() ? a.getName() : n.getName() + "." + a.getName(), out);
            String subgraph = "the subgraph '" + a.getName() + "' of " + node + " in " + where;
            if (a.hasG()) {
                inGraph(a.getG(), subgraph, out);
            }
            for (int i = 0; i < a.getGraphsCount(); i++) {
                inGraph(a.getGraphs(i), subgraph + " [" + i + "]", out);
            }
        }
    }

    /** The tensor values an attribute holds itself (its subgraphs are walked by {@link #inNode}). */
    private static void inAttribute(AttributeProto a, String where, String name, List<ExternalData> out) {
        if (a.hasT()) {
            check(a.getT(), name, where, out);
        }
        for (TensorProto t : a.getTensorsList()) {
            check(t, name, where, out);
        }
        if (a.hasSparseTensor()) {
            checkSparse(a.getSparseTensor(), name, where, out);
        }
        for (SparseTensorProto s : a.getSparseTensorsList()) {
            checkSparse(s, name, where, out);
        }
    }

    private static void checkSparse(SparseTensorProto s, String name, String where, List<ExternalData> out) {
        check(s.getValues(), name, where + " (its values)", out);
        check(s.getIndices(), name, where + " (its indices)", out);
    }

    private static void check(TensorProto t, String name, String where, List<ExternalData> out) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                    .map(ai.onnx.proto.OnnxMl.StringStringEntryProto::getValue).findFirst().orElse("");
            out.add(new ExternalData(name, where, location));
        }
    }

    /** Dimensions of an initializer, if there is one by this name. */
    public Optional<List<Long>> initializerDims(String name) {
        return proto.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(name)).findFirst().map(TensorProto::getDimsList);
    }

    /** The values of a float32 initializer, row-major, if there is one by this name. */
    public Optional<float[]> initializerFloats(String name) {
        return proto.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(name) && t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
                .findFirst().map(OnnxModel::floats);
    }

    private static float[] floats(TensorProto t) {
        if (!t.getRawData().isEmpty()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[raw.remaining() / Float.BYTES];
            raw.asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    private static OnnxGraph toGraph(GraphProto g) {
        Map<String, List<Long>> initializerDims = new HashMap<>();
        Map<String, Long> initializerSizes = new HashMap<>();
        long total = 0;
        for (TensorProto t : g.getInitializerList()) {
            long n = 1;
            for (long d : t.getDimsList()) {
                n *= d;
            }
            initializerDims.put(t.getName(), t.getDimsList());
            initializerSizes.put(t.getName(), n);
            total += n;
        }
        List<GraphInput> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializerSizes.containsKey(v.getName())) {
                inputs.add(toInput(v));
            }
        }
        Set<String> counted = new HashSet<>();
        List<GraphNode> nodes = new ArrayList<>(g.getNodeCount());
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            long params = 0;
            Map<Integer, List<Long>> weightDims = new LinkedHashMap<>();
            for (int k = 0; k < n.getInputCount(); k++) {
                String in = n.getInput(k);
                Long size = initializerSizes.get(in);
                if (size != null) {
                    weightDims.put(k, initializerDims.get(in));
                    if (counted.add(in)) {
                        params += size;
                    }
                }
            }
            List<String> outs = n.getOutputList().stream().filter(o -> !o.isEmpty()).toList();
            nodes.add(new GraphNode(i, n.getName(), n.getOpType(), List.copyOf(n.getInputList()), outs, params,
                    weightDims, attributes(n)));
        }
        List<String> outputs = g.getOutputList().stream().map(ValueInfoProto::getName).toList();
        return new OnnxGraph(inputs, nodes, outputs, total);
    }

    private static GraphInput toInput(ValueInfoProto v) {
        List<String> dims = new ArrayList<>();
        TypeProto type = v.getType();
        int elemType = 0;
        if (type.hasTensorType()) {
            elemType = type.getTensorType().getElemType();
            for (TensorShapeProto.Dimension d : type.getTensorType().getShape().getDimList()) {
                dims.add(d.hasDimValue() ? Long.toString(d.getDimValue())
                        : d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam() : "?");
            }
        }
        return new GraphInput(v.getName(), List.copyOf(dims), elemType);
    }

    private static Map<String, Object> attributes(NodeProto n) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getType()) {
                case INT -> out.put(a.getName(), a.getI());
                case FLOAT -> out.put(a.getName(), (double) a.getF());
                case STRING -> out.put(a.getName(), a.getS().toStringUtf8());
                case INTS -> out.put(a.getName(), List.copyOf(a.getIntsList()));
                case FLOATS -> out.put(a.getName(), a.getFloatsList().stream().map(Float::doubleValue).toList());
                case STRINGS -> out.put(a.getName(),
                        a.getStringsList().stream().map(s -> s.toStringUtf8()).toList());
                case TENSOR -> out.put(a.getName(), List.copyOf(a.getT().getDimsList()));
                default -> {
                    // graphs and sparse tensors are not needed to describe CNN layers
                }
            }
        }
        return out;
    }
}
