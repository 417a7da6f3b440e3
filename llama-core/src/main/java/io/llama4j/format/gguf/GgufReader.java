package io.llama4j.format.gguf;

import io.llama4j.ModelFormatException;
import io.llama4j.UnsupportedModelException;
import io.llama4j.spi.TensorType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Parses a GGUF (v2 or v3) file mapped into memory. Every count, size and offset is checked against the
 * file's size before anything is allocated or sliced, so a corrupt file yields a {@link ModelFormatException}
 * (or {@link UnsupportedModelException} for a tensor type ggml does not define) and never a crash or an
 * {@link OutOfMemoryError}.
 */
final class GgufReader {
    /** "GGUF" read as a little-endian uint32. */
    static final int MAGIC = 0x46554747;
    static final int DEFAULT_ALIGNMENT = 32;
    /** ggml's GGML_MAX_DIMS. */
    private static final int MAX_DIMS = 4;
    /** Arrays nest (an array of arrays); deeper nesting than this is not a real file. */
    private static final int MAX_ARRAY_DEPTH = 8;
    /**
     * The longest metadata array read. Real files hold at most a few hundred thousand entries (a vocabulary,
     * its merges); the limit keeps a corrupt count in a multi-gigabyte file from boxing billions of values
     * into the heap, and keeps every count within what a Java list can index.
     */
    static final long MAX_ARRAY_LENGTH = 1L << 24;

    private GgufReader() {
    }

    static GgufFile open(Path path) {
        return open(path, 0, -1, path);
    }

    /**
     * Maps {@code length} bytes at {@code offset} of {@code path} (-1: to the end), e.g. a GGUF stored in
     * an uncompressed tar; GGUF offsets are relative to the file's start, so the slice reads as a file.
     * {@code name} is what messages call it.
     */
    static GgufFile open(Path path, long offset, long length, Path name) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment whole;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = length < 0 ? channel.size() - offset : length;
                if (offset + size > channel.size()) {
                    throw new ModelFormatException(name, "truncated: " + size + " bytes expected at offset " + offset
                            + " of " + path + ", which has " + channel.size());
                }
                whole = channel.map(FileChannel.MapMode.READ_ONLY, offset, size, arena);
            } catch (NoSuchFileException e) {
                throw new ModelFormatException(path, "no such file");
            } catch (IOException e) {
                throw new ModelFormatException(path, "cannot read: " + e.getMessage(), e);
            }
            GgufFile file = parse(name, whole, arena);
            arena = null; // owned by the file now
            return file;
        } finally {
            if (arena != null) {
                arena.close();
            }
        }
    }

    private static GgufFile parse(Path path, MemorySegment whole, Arena arena) {
        GgufCursor in = new GgufCursor(path, whole);
        if (whole.byteSize() < 4) {
            throw new ModelFormatException(path, "not a GGUF file: only " + whole.byteSize() + " bytes");
        }
        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw new ModelFormatException(path, String.format(
                    "not a GGUF file: wrong magic 0x%08x at offset 0 (expected \"GGUF\")", magic));
        }
        int version = in.i32("version");
        if (version != 2 && version != 3) {
            throw new UnsupportedModelException(path, "GGUF version " + version + " is not supported (2 and 3 are)");
        }
        long tensorCount = in.u64("tensor count");
        long kvCount = in.u64("metadata count");
        // Each key/value needs at least 8 (key length) + 4 (type) + 1 bytes; each tensor info 8 + 4 + 4 + 8.
        if (kvCount > in.remaining() / 13) {
            throw in.error("truncated or corrupt: " + kvCount + " metadata entries cannot fit in the "
                    + in.remaining() + " bytes left");
        }
        if (tensorCount > in.remaining() / 24) {
            throw in.error("truncated or corrupt: " + tensorCount + " tensor infos cannot fit in the "
                    + in.remaining() + " bytes left");
        }

        Map<String, Object> values = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            in.context("metadata entry " + i);
            String key = in.string("metadata key");
            in.context("metadata key " + key);
            int typeId = in.i32("value type");
            GgufValueType type = GgufValueType.of(typeId);
            if (type == null) {
                throw in.error("unknown metadata value type " + typeId);
            }
            if (values.put(key, readValue(in, type, 0)) != null) {
                throw in.error("duplicate metadata key " + key);
            }
        }
        GgufMetadata metadata = new GgufMetadata(path, values);

        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.contains("general.alignment")) {
            alignment = metadata.count("general.alignment");
            if (alignment == 0 || (alignment & 7) != 0) {
                throw new ModelFormatException(path, "general.alignment " + alignment + " is not a positive multiple of 8");
            }
        }

        Map<String, GgufTensorInfo> infos = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            in.context("tensor info " + i);
            String name = in.string("tensor name");
            in.context("tensor info of " + name);
            long nDims = in.u32("dimension count");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw in.error("tensor " + name + " has " + nDims + " dimensions (1 to " + MAX_DIMS + " allowed)");
            }
            long[] shape = new long[(int) nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                shape[d] = in.u64("dimension " + d);
                if (shape[d] == 0) {
                    throw in.error("tensor " + name + " has a zero-length dimension " + d);
                }
                if (elements > Long.MAX_VALUE / shape[d]) {
                    throw in.error("tensor " + name + " has dimensions whose product overflows");
                }
                elements *= shape[d];
            }
            int typeId = in.i32("tensor type");
            long offset = in.u64("tensor data offset");
            if (infos.containsKey(name)) {
                throw in.error("duplicate tensor name " + name);
            }
            OptionalInt known = TensorType.lookup(typeId);
            if (known.isEmpty()) {
                throw new UnsupportedModelException(path, "tensor " + name + " has unknown ggml type " + typeId);
            }
            TensorType type = TensorType.values()[known.getAsInt()];
            if (shape[0] % type.blockSize() != 0) {
                throw new ModelFormatException(path, "tensor " + name + " row length " + shape[0]
                        + " is not a multiple of the " + type + " block size " + type.blockSize());
            }
            if (offset % alignment != 0) {
                throw new ModelFormatException(path, "tensor " + name + " data offset " + offset
                        + " is not aligned to " + alignment);
            }
            long size;
            try {
                size = type.byteSize(elements);
            } catch (ArithmeticException e) {
                throw new ModelFormatException(path, "tensor " + name + " is too large (size overflows)");
            }
            infos.put(name, new GgufTensorInfo(name, type, shape, offset, size));
        }

        long dataStart = align(in.position(), alignment);
        if (dataStart > whole.byteSize() && tensorCount > 0) {
            throw new ModelFormatException(path, "truncated: the tensor data section should start at offset "
                    + dataStart + " but the file ends at " + whole.byteSize());
        }
        // A file without tensors may end before the padding that would precede the (empty) data section.
        dataStart = Math.min(dataStart, whole.byteSize());
        long dataSize = whole.byteSize() - dataStart;
        for (GgufTensorInfo info : infos.values()) {
            if (info.offset() > dataSize || info.size() > dataSize - info.offset()) {
                throw new ModelFormatException(path, "tensor " + info.name() + " (" + info.type() + ", "
                        + info.size() + " bytes at data offset " + info.offset() + ") extends past the end of the file ("
                        + dataSize + " bytes of tensor data)");
            }
        }
        checkNoOverlap(path, new ArrayList<>(infos.values()));
        MemorySegment data = whole.asSlice(dataStart, dataSize);
        return new GgufFile(path, version, metadata, infos, data, arena);
    }

    private static void checkNoOverlap(Path path, List<GgufTensorInfo> infos) {
        infos.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        for (int i = 1; i < infos.size(); i++) {
            GgufTensorInfo prev = infos.get(i - 1);
            GgufTensorInfo next = infos.get(i);
            if (prev.offset() + prev.size() > next.offset()) {
                throw new ModelFormatException(path, "tensors " + prev.name() + " and " + next.name() + " overlap");
            }
        }
    }

    static long align(long offset, int alignment) {
        return offset + (alignment - offset % alignment) % alignment;
    }

    private static Object readValue(GgufCursor in, GgufValueType type, int depth) {
        return switch (type) {
            case UINT8 -> (long) in.u8("uint8 value");
            case INT8 -> (long) in.i8("int8 value");
            case UINT16 -> (long) in.u16("uint16 value");
            case INT16 -> (long) in.i16("int16 value");
            case UINT32 -> in.u32("uint32 value");
            case INT32 -> (long) in.i32("int32 value");
            case UINT64 -> in.u64("uint64 value");
            case INT64 -> in.i64("int64 value");
            case FLOAT32 -> in.f32("float32 value");
            case FLOAT64 -> in.f64("float64 value");
            case BOOL -> {
                int b = in.u8("bool value");
                if (b > 1) {
                    throw in.error("bool value " + b + " is neither 0 nor 1");
                }
                yield b == 1;
            }
            case STRING -> in.string("string value");
            case ARRAY -> readArray(in, depth);
        };
    }

    private static List<Object> readArray(GgufCursor in, int depth) {
        if (depth >= MAX_ARRAY_DEPTH) {
            throw in.error("arrays nested deeper than " + MAX_ARRAY_DEPTH);
        }
        int typeId = in.i32("array element type");
        GgufValueType type = GgufValueType.of(typeId);
        if (type == null) {
            throw in.error("unknown array element type " + typeId);
        }
        long count = in.u64("array length");
        if (count > in.remaining() / type.minBytes) {
            throw in.error("array of " + count + " " + type + " values is larger than the rest of the file");
        }
        if (count > MAX_ARRAY_LENGTH) {
            throw in.error("array of " + count + " " + type + " values is longer than the " + MAX_ARRAY_LENGTH
                    + " values llama4j reads");
        }
        // Grown as values are read rather than sized from the count, which is not yet known to be honest.
        List<Object> list = new ArrayList<>((int) Math.min(count, 1024));
        for (long i = 0; i < count; i++) {
            list.add(readValue(in, type, depth + 1));
        }
        return List.copyOf(list);
    }
}
