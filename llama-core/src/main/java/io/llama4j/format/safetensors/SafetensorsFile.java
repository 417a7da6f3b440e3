package io.llama4j.format.safetensors;

import io.llama4j.json.Json;
import io.llama4j.ModelFormatException;
import io.llama4j.format.FileRegion;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mapped safetensors file: {@code uint64} header length (little-endian), that many bytes of JSON naming
 * each tensor's dtype, shape and {@code [begin, end)} offsets into the data that follows. Every length and
 * offset is checked against the file before a tensor is sliced, so a corrupt or truncated file fails with
 * a {@link ModelFormatException} naming the file and the tensor, never a crash. Owns its mapping.
 */
final class SafetensorsFile implements AutoCloseable {
    /** The cap of the reference implementation: no real header comes near it. */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path name;
    private final Map<String, SafetensorsTensor> tensors;
    private final Arena arena;

    private SafetensorsFile(Path name, Map<String, SafetensorsTensor> tensors, Arena arena) {
        this.name = name;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.arena = arena;
    }

    /** Maps the file (or the archive entry) and validates its header. */
    static SafetensorsFile open(FileRegion region) {
        Path name = region.name();
        Arena arena = Arena.ofShared();
        try {
            MemorySegment bytes;
            try (FileChannel channel = FileChannel.open(region.file(), StandardOpenOption.READ)) {
                if (region.offset() + region.length() > channel.size()) {
                    throw new ModelFormatException(name, "truncated: the entry needs " + region.length()
                            + " bytes at offset " + region.offset() + " but the file has " + channel.size());
                }
                bytes = channel.map(FileChannel.MapMode.READ_ONLY, region.offset(), region.length(), arena);
            } catch (NoSuchFileException e) {
                throw new ModelFormatException(name, "no such file");
            } catch (IOException e) {
                throw new ModelFormatException(name, "cannot read: " + e.getMessage(), e);
            }
            SafetensorsFile file = new SafetensorsFile(name, parse(name, bytes), arena);
            arena = null; // owned by the file now
            return file;
        } finally {
            if (arena != null) {
                arena.close();
            }
        }
    }

    private static Map<String, SafetensorsTensor> parse(Path name, MemorySegment bytes) {
        long size = bytes.byteSize();
        if (size < 8) {
            throw new ModelFormatException(name, "truncated: " + size + " bytes, shorter than the 8-byte header length");
        }
        long headerLength = bytes.get(U64_LE, 0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new ModelFormatException(name, "header length " + Long.toUnsignedString(headerLength)
                    + " is not plausible (2 to " + MAX_HEADER_BYTES + " bytes)");
        }
        if (headerLength > size - 8) {
            throw new ModelFormatException(name, "truncated: header length " + headerLength
                    + " runs past the end of the file (" + size + " bytes)");
        }
        String header;
        try {
            header = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(bytes.asSlice(8, headerLength).asByteBuffer())
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(name, "header is not UTF-8 text");
        }
        if (!(Json.parse(header, name, "the safetensors header") instanceof Map<?, ?> members)) {
            throw new ModelFormatException(name, "the safetensors header is not a JSON object");
        }
        MemorySegment data = bytes.asSlice(8 + headerLength);
        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> member : members.entrySet()) {
            String tensorName = (String) member.getKey();
            if (tensorName.equals("__metadata__")) {
                continue;
            }
            tensors.put(tensorName, tensor(name, tensorName, member.getValue(), data));
        }
        checkNoOverlap(name, tensors);
        return tensors;
    }

    /** Two tensors sharing bytes is a corrupt header (the format lays tensors out one after another). */
    private static void checkNoOverlap(Path name, Map<String, SafetensorsTensor> tensors) {
        List<SafetensorsTensor> laidOut = new java.util.ArrayList<>();
        for (SafetensorsTensor t : tensors.values()) {
            if (t.data().byteSize() > 0) {
                laidOut.add(t);
            }
        }
        laidOut.sort(java.util.Comparator.comparingLong(SafetensorsTensor::begin));
        for (int i = 1; i < laidOut.size(); i++) {
            SafetensorsTensor previous = laidOut.get(i - 1);
            SafetensorsTensor next = laidOut.get(i);
            if (previous.begin() + previous.data().byteSize() > next.begin()) {
                throw new ModelFormatException(name, "tensors " + previous.name() + " (data_offsets " + previous.begin()
                        + ".." + (previous.begin() + previous.data().byteSize()) + ") and " + next.name()
                        + " (from " + next.begin() + ") overlap");
            }
        }
    }

    private static SafetensorsTensor tensor(Path name, String tensorName, Object description, MemorySegment data) {
        String where = "tensor " + tensorName;
        if (!(description instanceof Map<?, ?> fields)) {
            throw new ModelFormatException(name, where + ": header entry is not an object");
        }
        if (!(fields.get("dtype") instanceof String dtypeName)) {
            throw new ModelFormatException(name, where + ": missing dtype");
        }
        SafetensorsDtype dtype = SafetensorsDtype.named(dtypeName).orElseThrow(() -> new ModelFormatException(name,
                where + ": unknown dtype \"" + dtypeName + "\""));
        long[] shape = counts(name, where, "shape", fields.get("shape"));
        long[] offsets = counts(name, where, "data_offsets", fields.get("data_offsets"));
        if (offsets.length != 2 || offsets[0] > offsets[1]) {
            throw new ModelFormatException(name, where + ": data_offsets must be [begin, end] with begin <= end");
        }
        long elements = 1;
        try {
            for (long d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            long expected = Math.multiplyExact(elements, (long) dtype.bytes());
            if (offsets[1] - offsets[0] != expected) {
                throw new ModelFormatException(name, where + ": data_offsets " + offsets[0] + ".." + offsets[1]
                        + " hold " + (offsets[1] - offsets[0]) + " bytes, but " + dtype + " " + java.util.Arrays.toString(shape)
                        + " needs " + expected);
            }
        } catch (ArithmeticException e) {
            throw new ModelFormatException(name, where + ": shape " + java.util.Arrays.toString(shape) + " overflows");
        }
        // Writers lay each tensor at a multiple of its element size (the reference one sorts by alignment),
        // and the kernel reads elements at their natural alignment: anything else is a damaged header.
        if (offsets[0] % dtype.bytes() != 0) {
            throw new ModelFormatException(name, where + ": data_offsets begin " + offsets[0]
                    + " is not a multiple of the " + dtype.bytes() + "-byte " + dtype + " element");
        }
        if (offsets[1] > data.byteSize()) {
            throw new ModelFormatException(name, where + ": data_offsets end " + offsets[1]
                    + " is past the end of the data (" + data.byteSize() + " bytes; file truncated?)");
        }
        return new SafetensorsTensor(tensorName, dtype, shape, offsets[0], data.asSlice(offsets[0], offsets[1] - offsets[0]));
    }

    private static long[] counts(Path name, String where, String field, Object value) {
        if (!(value instanceof List<?> items)) {
            throw new ModelFormatException(name, where + ": missing " + field);
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long n) || n < 0) {
                throw new ModelFormatException(name, where + ": " + field + " holds " + items.get(i)
                        + ", not a non-negative integer");
            }
            out[i] = n;
        }
        return out;
    }

    Path name() {
        return name;
    }

    Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        io.llama4j.format.ArenaRelease.close(arena);
    }
}
