package org.convnetplayground.inference.onnx;

import java.io.ByteArrayOutputStream;

/**
 * The smallest ONNX model that exercises a device: {@code y = Relu(x)} for a float tensor {@code x} of shape [2],
 * written here as protobuf so that checking a GPU at start-up needs no model file. Running it on the CUDA execution
 * provider proves the provider, the CUDA libraries, the driver and the device work together.
 */
final class ProbeModel {

    static final String INPUT = "x";
    static final String OUTPUT = "y";
    static final byte[] BYTES = build();

    private static final int FLOAT = 1;
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_BYTES = 2;

    private ProbeModel() {
    }

    private static byte[] build() {
        byte[] node = message(text(1, INPUT), text(2, OUTPUT), text(3, "relu"), text(4, "Relu"));
        byte[] graph = message(bytes(1, node), text(2, "probe"), bytes(11, tensor(INPUT)), bytes(12, tensor(OUTPUT)));
        byte[] opset = message(varint(2, 13));
        // ModelProto: ir_version 7, producer_name, graph, opset_import (ai.onnx 13)
        return message(varint(1, 7), text(2, "convnet-playground device probe"), bytes(7, graph), bytes(8, opset));
    }

    /** ValueInfoProto of a float tensor of shape [2]. */
    private static byte[] tensor(String name) {
        byte[] shape = message(bytes(1, message(varint(1, 2))));
        byte[] tensorType = message(varint(1, FLOAT), bytes(2, shape));
        return message(text(1, name), bytes(2, message(bytes(1, tensorType))));
    }

    private static byte[] message(byte[]... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : fields) {
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    private static byte[] varint(int field, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) field << 3 | WIRE_VARINT);
        writeVarint(out, value);
        return out.toByteArray();
    }

    private static byte[] text(int field, String value) {
        return bytes(field, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static byte[] bytes(int field, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) field << 3 | WIRE_BYTES);
        writeVarint(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
