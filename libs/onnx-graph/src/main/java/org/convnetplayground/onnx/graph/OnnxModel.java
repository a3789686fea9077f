package org.convnetplayground.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
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
     * Tensors of the main graph (initializers, and tensor attributes of its nodes such as Constant values) whose
     * values are not in the model but in files beside it (ONNX external data), by name. A model received from
     * elsewhere must not have any: their locations are paths the runtime would read.
     */
    public List<String> externalDataTensors() {
        List<String> out = new ArrayList<>();
        GraphProto g = proto.getGraph();
        for (TensorProto t : g.getInitializerList()) {
            if (isExternal(t)) {
                out.add(t.getName());
            }
        }
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasT() && isExternal(a.getT())) {
                    out.add(n.getName().isEmpty() ? a.getName() : n.getName() + "." + a.getName());
                }
                for (TensorProto t : a.getTensorsList()) {
                    if (isExternal(t)) {
                        out.add(n.getName().isEmpty() ? a.getName() : n.getName() + "." + a.getName());
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0;
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
