package io.llama4j.format.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-side safetensors reading and writing with Jackson, independent of the reader under test: copies of
 * the fixture folder in another dtype, split into shards, or deliberately broken.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor: its dtype name, HF shape and raw little-endian bytes. */
    public record Entry(String dtype, long[] shape, byte[] data) {
    }

    private SafetensorsWriter() {
    }

    /** Every tensor of a safetensors file, in header order. */
    public static Map<String, Entry> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        int dataStart = 8 + (int) headerLength;
        Map<String, Entry> out = new LinkedHashMap<>();
        for (var it = header.properties().iterator(); it.hasNext(); ) {
            var field = it.next();
            if (field.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = field.getValue();
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            int begin = t.get("data_offsets").get(0).asInt();
            int end = t.get("data_offsets").get(1).asInt();
            byte[] data = new byte[end - begin];
            System.arraycopy(bytes, dataStart + begin, data, 0, data.length);
            out.put(field.getKey(), new Entry(t.get("dtype").asText(), shape, data));
        }
        return out;
    }

    /** Writes {@code tensors} as a safetensors file, data in the given order. */
    public static void write(Path file, Map<String, Entry> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype());
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + e.getValue().data().length);
            offset += e.getValue().data().length;
        }
        writeRaw(file, JSON.writeValueAsString(header), tensors.values().stream().map(Entry::data).toList());
    }

    /** A file with exactly this header text followed by these data blocks. */
    public static void writeRaw(Path file, String header, List<byte[]> data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (byte[] d : data) {
                out.write(d);
            }
        }
    }

    /** BF16 to F32 is exact: the 16 bits become the high half of the float. */
    public static Entry widenedToF32(Entry e) {
        if (!e.dtype().equals("BF16")) {
            return e;
        }
        ByteBuffer in = ByteBuffer.wrap(e.data()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(e.data().length * 2).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            out.putInt((in.getShort() & 0xFFFF) << 16);
        }
        return new Entry("F32", e.shape(), out.array());
    }

    /** Copies an HF folder with every file except the weights, which the caller writes. */
    public static void copyFolderWithoutWeights(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".safetensors") && !name.equals("model.safetensors.index.json")) {
                    Files.copy(f, to.resolve(name));
                }
            }
        }
    }

    /** A copy of the HF folder {@code from} with its weights widened to F32. */
    public static Path f32Copy(Path from, Path to) throws IOException {
        copyFolderWithoutWeights(from, to);
        Map<String, Entry> widened = new LinkedHashMap<>();
        read(from.resolve("model.safetensors")).forEach((name, e) -> widened.put(name, widenedToF32(e)));
        write(to.resolve("model.safetensors"), widened);
        return to;
    }

    /** A copy of the HF folder {@code from} split into {@code count} shards plus an index, as HF writes them. */
    public static Path shardedCopy(Path from, Path to, int count) throws IOException {
        copyFolderWithoutWeights(from, to);
        Map<String, Entry> all = read(from.resolve("model.safetensors"));
        List<String> names = new ArrayList<>(all.keySet());
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", all.values().stream().mapToLong(e -> e.data().length).sum());
        ObjectNode weightMap = index.putObject("weight_map");
        for (int s = 0; s < count; s++) {
            String shardName = String.format("model-%05d-of-%05d.safetensors", s + 1, count);
            Map<String, Entry> shard = new LinkedHashMap<>();
            for (int i = s; i < names.size(); i += count) {
                shard.put(names.get(i), all.get(names.get(i)));
                weightMap.put(names.get(i), shardName);
            }
            write(to.resolve(shardName), shard);
        }
        Files.writeString(to.resolve("model.safetensors.index.json"), index.toPrettyString());
        return to;
    }
}
