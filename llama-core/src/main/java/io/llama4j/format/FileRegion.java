package io.llama4j.format;

import io.llama4j.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the bytes of one model file lie: a whole file, or a stretch of a bigger one (an entry of an
 * uncompressed tar archive). Readers map regions rather than paths so that such an entry is read in place.
 *
 * <pre>{@code
 * FileRegion config = FileRegion.of(Path.of("Llama-3.2-1B/config.json"));
 * String json = config.readString();                       // strict UTF-8
 * FileRegion entry = new FileRegion(Path.of("model.tar"), 1536, 4096, Path.of("model.tar!/config.json"));
 * }</pre>
 *
 * @param file   the file on disk holding the bytes
 * @param offset where they start in {@code file}
 * @param length how many there are
 * @param name   the name to report in messages (the path, or {@code archive.tar!/folder/config.json})
 */
public record FileRegion(Path file, long offset, long length, Path name) {
    public FileRegion {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length for " + name);
        }
    }

    /** The whole of {@code file}. */
    public static FileRegion of(Path file) {
        try {
            return new FileRegion(file, 0, Files.size(file), file);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Whether the region is the whole file, so that readers taking a path can be given {@link #file()}. */
    public boolean isWholeFile() {
        try {
            return offset == 0 && length == Files.size(file);
        } catch (IOException e) {
            return false;
        }
    }

    /** The region's bytes as UTF-8 text; for the small JSON files of a model folder. */
    public String readString() {
        if (length > Integer.MAX_VALUE - 16) {
            throw new ModelFormatException(name, "too large to read as text (" + length + " bytes)");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (offset + length > channel.size()) {
                throw new ModelFormatException(name, "truncated: " + length + " bytes expected at offset " + offset
                        + " of " + file + ", which has " + channel.size());
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new ModelFormatException(name, "truncated while reading");
                }
            }
            return utf8(buffer.array());
        } catch (IOException e) {
            throw new ModelFormatException(name, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Strict UTF-8: a config file that is not text is corrupt, not something to read with U+FFFD in it. */
    private String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(name, "not UTF-8 text (at byte " + firstMalformedByte(bytes) + ")");
        }
    }

    private static int firstMalformedByte(byte[] bytes) {
        var in = ByteBuffer.wrap(bytes);
        var result = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(in, java.nio.CharBuffer.allocate(bytes.length + 1), true);
        return result.isError() ? in.position() : bytes.length;
    }
}
