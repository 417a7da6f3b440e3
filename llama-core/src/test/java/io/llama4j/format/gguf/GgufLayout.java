package io.llama4j.format.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each part of a well-formed GGUF file lies, found by walking it with its own minimal parser (not
 * {@link GgufReader}, so that a reader bug cannot hide the offset a test means to corrupt).
 */
final class GgufLayout {
    /** Offsets of one metadata entry: its start, its value type field and its value. */
    record Entry(String key, long start, long typeAt, long valueAt) {
    }

    /** Offsets of one tensor info and where its data lies in the file. */
    record TensorInfo(String name, long start, long dimsAt, int nDims, long typeAt, long offsetAt,
                      int type, long dataOffset) {
        long dimAt(int d) {
            return dimsAt + 4 + 8L * d;
        }
    }

    static final long TENSOR_COUNT_AT = 8;
    static final long KV_COUNT_AT = 16;

    final List<Entry> entries = new ArrayList<>();
    final Map<String, Entry> byKey = new LinkedHashMap<>();
    final List<TensorInfo> tensors = new ArrayList<>();
    final Map<String, TensorInfo> byName = new LinkedHashMap<>();
    final long infosStart;
    final long infosEnd;
    final long dataStart;

    private final ByteBuffer in;

    GgufLayout(byte[] file) {
        in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long tensorCount = in.getLong(8);
        long kvCount = in.getLong(16);
        in.position(24);
        int alignment = GgufReader.DEFAULT_ALIGNMENT;
        for (long i = 0; i < kvCount; i++) {
            long start = in.position();
            String key = string();
            long typeAt = in.position();
            int type = in.getInt();
            long valueAt = in.position();
            if (key.equals("general.alignment")) {
                alignment = in.getInt(in.position());
            }
            skipValue(type);
            Entry e = new Entry(key, start, typeAt, valueAt);
            entries.add(e);
            byKey.put(key, e);
        }
        infosStart = in.position();
        for (long i = 0; i < tensorCount; i++) {
            long start = in.position();
            String name = string();
            long dimsAt = in.position();
            int nDims = in.getInt();
            in.position(in.position() + 8 * nDims);
            long typeAt = in.position();
            int type = in.getInt();
            long offsetAt = in.position();
            long offset = in.getLong();
            TensorInfo t = new TensorInfo(name, start, dimsAt, nDims, typeAt, offsetAt, type, offset);
            tensors.add(t);
            byName.put(name, t);
        }
        infosEnd = in.position();
        dataStart = GgufReader.align(infosEnd, alignment);
    }

    /** The file offset of tensor {@code name}'s first data byte. */
    long dataAt(String name) {
        return dataStart + byName.get(name).dataOffset();
    }

    private String string() {
        int length = Math.toIntExact(in.getLong());
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void skipValue(int type) {
        switch (type) {
            case 0, 1, 7 -> in.position(in.position() + 1);
            case 2, 3 -> in.position(in.position() + 2);
            case 4, 5, 6 -> in.position(in.position() + 4);
            case 10, 11, 12 -> in.position(in.position() + 8);
            case 8 -> string();
            case 9 -> {
                int elementType = in.getInt();
                long count = in.getLong();
                for (long i = 0; i < count; i++) {
                    skipValue(elementType);
                }
            }
            default -> throw new IllegalArgumentException("not a well-formed GGUF: value type " + type);
        }
    }
}
