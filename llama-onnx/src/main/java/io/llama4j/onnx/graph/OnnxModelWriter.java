package io.llama4j.onnx.graph;

import com.google.protobuf.ByteString;
import io.llama4j.onnx.proto.Onnx.AttributeProto;
import io.llama4j.onnx.proto.Onnx.GraphProto;
import io.llama4j.onnx.proto.Onnx.ModelProto;
import io.llama4j.onnx.proto.Onnx.NodeProto;
import io.llama4j.onnx.proto.Onnx.OperatorSetIdProto;
import io.llama4j.onnx.proto.Onnx.StringStringEntryProto;
import io.llama4j.onnx.proto.Onnx.TensorProto;
import io.llama4j.onnx.proto.Onnx.TensorShapeProto;
import io.llama4j.onnx.proto.Onnx.TypeProto;
import io.llama4j.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Assembles one ONNX model: nodes, graph inputs and outputs, and initializers, the large ones written to an
 * {@link ExternalData} file as they are added so that the protobuf itself stays small (a graph of a few
 * thousand nodes, never the 2 GB protobuf limit) and no weight is held twice in memory.
 */
final class OnnxModelWriter {
    /** ONNX IR version 8 with opset 17: what onnx.proto 1.12 describes and ONNX Runtime 1.29 reads. */
    static final long IR_VERSION = 8;
    static final long OPSET = 17;
    static final String MICROSOFT = "com.microsoft";
    /** Tensors smaller than this stay inside the protobuf. */
    private static final int INLINE_LIMIT = 1024;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final ExternalData data;
    private int nodes;

    OnnxModelWriter(String name, ExternalData data) {
        this.graph.setName(name);
        this.data = data;
    }

    /** Adds a node; its name is its first output's. */
    NodeProto.Builder node(String op, String domain, String[] inputs, String... outputs) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(op + "_" + (nodes++));
        if (domain != null) {
            node.setDomain(domain);
        }
        for (String in : inputs) {
            node.addInput(in);
        }
        for (String out : outputs) {
            node.addOutput(out);
        }
        return node;
    }

    /** Adds {@code node} to the graph; returns its first output. */
    String add(NodeProto.Builder node) {
        graph.addNode(node);
        return node.getOutput(0);
    }

    /** One-output node in the default domain. */
    String op(String op, String output, String... inputs) {
        return add(node(op, null, inputs, output));
    }

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto attr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    void input(String name, int elementType, Object... dims) {
        graph.addInput(valueInfo(name, elementType, dims));
    }

    void output(String name, int elementType, Object... dims) {
        graph.addOutput(valueInfo(name, elementType, dims));
    }

    /** Dimensions are numbers or symbolic names. */
    private static ValueInfoProto valueInfo(String name, int elementType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else {
                dim.setDimParam(d.toString());
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape))).build();
    }

    /**
     * An initializer holding {@code bytes} (little-endian, position to limit) of {@code elementType} and shape
     * {@code dims}. Large ones go to the external data file.
     */
    String initializer(String name, int elementType, ByteBuffer bytes, long... dims) throws IOException {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(elementType);
        for (long d : dims) {
            t.addDims(d);
        }
        int length = bytes.remaining();
        if (length < INLINE_LIMIT) {
            t.setRawData(ByteString.copyFrom(bytes));
        } else {
            long offset = data.append(bytes);
            t.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", data.fileName()))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(length)));
        }
        graph.addInitializer(t);
        return name;
    }

    /**
     * An initializer of {@code length} bytes in the external data file whose bytes are written later, by
     * whoever holds the returned region ({@link ExternalData#writeAt}); the graph refers to it now.
     */
    Region reserve(String name, int elementType, long length, long... dims) {
        Region region = new Region(data.reserve(length), length);
        alias(name, elementType, region, dims);
        return region;
    }

    /**
     * Another initializer over the bytes of an existing region, with its own name and shape: one copy of a
     * tied embedding serves both the {@code GatherBlockQuantized} table and the output {@code MatMulNBits}.
     */
    String alias(String name, int elementType, Region region, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(elementType)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", data.fileName()))
                .addExternalData(entry("offset", Long.toString(region.offset())))
                .addExternalData(entry("length", Long.toString(region.length())));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /**
     * Writes {@code bytes} (position to limit) {@code at} bytes into {@code region}; safe from several
     * threads, each filling its own part.
     */
    void fill(Region region, long at, ByteBuffer bytes) throws IOException {
        if (at < 0 || at + bytes.remaining() > region.length()) {
            throw new IllegalStateException("writing " + bytes.remaining() + " bytes at " + at + " overflows " + region);
        }
        data.writeAt(bytes, region.offset() + at);
    }

    /** A span of the external data file: {@code length} bytes from {@code offset}. */
    record Region(long offset, long length) {
    }

    String int64s(String name, long[] values, long... dims) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return initializer(name, TensorProto.DataType.INT64_VALUE, b.flip(), dims);
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** Writes the model protobuf to {@code file}. */
    void write(Path file, String producerVersion) throws IOException {
        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("llama4j")
                .setProducerVersion(producerVersion)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MICROSOFT).setVersion(1))
                .setGraph(graph)
                .build();
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
    }
}
