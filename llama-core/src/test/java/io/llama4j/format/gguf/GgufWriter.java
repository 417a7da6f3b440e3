package io.llama4j.format.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small GGUF v3 files for tests, byte by byte as the format specifies (ggml's docs/gguf.md), so that
 * each corruption a test needs can be made on purpose.
 */
final class GgufWriter {
    private final ByteArrayOutputStream kv = new ByteArrayOutputStream();
    private final ByteArrayOutputStream infos = new ByteArrayOutputStream();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private int kvCount;
    private int tensorCount;
    private int magic = GgufReader.MAGIC;
    private int version = 3;

    GgufWriter magic(int magic) {
        this.magic = magic;
        return this;
    }

    GgufWriter version(int version) {
        this.version = version;
        return this;
    }

    GgufWriter string(String key, String value) {
        key(key);
        u32(kv, 8);
        str(kv, value);
        return this;
    }

    GgufWriter u32(String key, int value) {
        key(key);
        u32(kv, 4);
        u32(kv, value);
        return this;
    }

    GgufWriter f32(String key, float value) {
        key(key);
        u32(kv, 6);
        u32(kv, Float.floatToRawIntBits(value));
        return this;
    }

    GgufWriter strings(String key, List<String> values) {
        key(key);
        u32(kv, 9);
        u32(kv, 8);
        u64(kv, values.size());
        for (String v : values) {
            str(kv, v);
        }
        return this;
    }

    /** A value with a type id the format does not define. */
    GgufWriter badValueType(String key, int typeId) {
        key(key);
        u32(kv, typeId);
        return this;
    }

    /** Appends a tensor: info with the given ggml type and dims, data of {@code bytes} at the next aligned offset. */
    GgufWriter tensor(String name, int ggmlType, long[] dims, byte[] bytes) {
        while (data.size() % GgufReader.DEFAULT_ALIGNMENT != 0) {
            data.write(0);
        }
        return tensorAt(name, ggmlType, dims, data.size(), bytes);
    }

    /** Appends a tensor info claiming data at {@code offset}, and appends {@code bytes} to the data section. */
    GgufWriter tensorAt(String name, int ggmlType, long[] dims, long offset, byte[] bytes) {
        str(infos, name);
        u32(infos, dims.length);
        for (long d : dims) {
            u64(infos, d);
        }
        u32(infos, ggmlType);
        u64(infos, offset);
        data.writeBytes(bytes);
        tensorCount++;
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u32(out, magic);
        u32(out, version);
        u64(out, tensorCount);
        u64(out, kvCount);
        out.writeBytes(kv.toByteArray());
        out.writeBytes(infos.toByteArray());
        while (out.size() % GgufReader.DEFAULT_ALIGNMENT != 0) {
            out.write(0);
        }
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }

    Path write(Path file) throws IOException {
        return Files.write(file, bytes());
    }

    private void key(String key) {
        str(kv, key);
        kvCount++;
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(out, b.length);
        out.writeBytes(b);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private static void u64(ByteArrayOutputStream out, long v) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static List<String> list(String... values) {
        return new ArrayList<>(List.of(values));
    }
}
