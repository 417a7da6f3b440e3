package io.llama4j.format.gguf;

import io.llama4j.ModelFormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads little-endian values from a mapped GGUF file, checking every read against the end of the file so
 * that a truncated or corrupt header gives a {@link ModelFormatException} naming what and where.
 */
final class GgufCursor {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The longest string read (64 MiB). Real keys are short and the longest values (chat templates) are
     * kilobytes; the limit keeps a corrupt length in a multi-gigabyte file from allocating gigabytes, and
     * below the largest Java array.
     */
    static final long MAX_STRING_BYTES = 1L << 26;

    private final Path file;
    private final MemorySegment segment;
    private final long size;
    private long position;
    /** What is being read, for error messages (e.g. "metadata key tokenizer.ggml.tokens"). */
    private String context = "header";

    GgufCursor(Path file, MemorySegment segment) {
        this.file = file;
        this.segment = segment;
        this.size = segment.byteSize();
    }

    long position() {
        return position;
    }

    long size() {
        return size;
    }

    long remaining() {
        return size - position;
    }

    void context(String context) {
        this.context = context;
    }

    ModelFormatException error(String problem) {
        return new ModelFormatException(file, problem + " (at byte " + position + ", reading " + context + ")");
    }

    private long take(long bytes, String what) {
        if (bytes < 0 || bytes > size - position) {
            throw new ModelFormatException(file, "truncated: " + what + " needs " + bytes + " bytes at offset "
                    + position + " but the file ends at " + size + " (reading " + context + ")");
        }
        long at = position;
        position += bytes;
        return at;
    }

    int u8(String what) {
        return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, take(1, what)));
    }

    int i8(String what) {
        return segment.get(ValueLayout.JAVA_BYTE, take(1, what));
    }

    int u16(String what) {
        return Short.toUnsignedInt(segment.get(SHORT, take(2, what)));
    }

    int i16(String what) {
        return segment.get(SHORT, take(2, what));
    }

    int i32(String what) {
        return segment.get(INT, take(4, what));
    }

    long u32(String what) {
        return Integer.toUnsignedLong(i32(what));
    }

    long i64(String what) {
        return segment.get(LONG, take(8, what));
    }

    /** An unsigned 64-bit count or size; values that do not fit a signed long are corrupt for us. */
    long u64(String what) {
        long v = i64(what);
        if (v < 0) {
            throw error(what + " is " + Long.toUnsignedString(v) + ", larger than any file");
        }
        return v;
    }

    float f32(String what) {
        return segment.get(FLOAT, take(4, what));
    }

    double f64(String what) {
        return segment.get(DOUBLE, take(8, what));
    }

    String string(String what) {
        long length = u64(what + " length");
        if (length > remaining()) {
            throw new ModelFormatException(file, "truncated: " + what + " claims " + length
                    + " bytes at offset " + position + " but only " + remaining() + " remain (reading " + context + ")");
        }
        if (length > MAX_STRING_BYTES) {
            throw new ModelFormatException(file, what + " claims " + length + " bytes at offset " + position
                    + ", more than the " + MAX_STRING_BYTES + " llama4j reads (reading " + context + ")");
        }
        long at = take(length, what);
        byte[] bytes = segment.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(file, what + " at offset " + at + " is not valid UTF-8 (reading " + context + ")");
        }
    }

    void skipTo(long offset) {
        if (offset < position || offset > size) {
            throw error("cannot seek to offset " + offset);
        }
        position = offset;
    }
}
