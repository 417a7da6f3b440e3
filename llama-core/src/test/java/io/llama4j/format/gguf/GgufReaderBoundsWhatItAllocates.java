package io.llama4j.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.llama4j.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes that a file could in principle hold are still bounded before anything is allocated: a corrupt
 * length in a multi-gigabyte file must not turn into a multi-gigabyte allocation, a negative list capacity
 * or a slice too large for a Java array. The big files here are sparse, so they cost no disk.
 */
class GgufReaderBoundsWhatItAllocates {
    private static final long THREE_GIB = 3L << 30;

    @TempDir
    Path dir;

    /** A file of {@code size} bytes (sparse) starting with {@code header}. */
    private Path sparse(String name, byte[] header, long size) throws IOException {
        Path file = dir.resolve(name);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            channel.write(ByteBuffer.wrap(header));
            channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
        return file;
    }

    private static ByteBuffer header(int bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(GgufReader.MAGIC).putInt(3).putLong(0).putLong(1);
        return b;
    }

    @Test
    void aKeyLongerThanTheStringLimitIsRefusedBeforeItIsRead() throws IOException {
        ByteBuffer b = header(32).putLong((1L << 31) + 16);
        Path file = sparse("long-key.gguf", b.array(), THREE_GIB);
        ModelFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ModelFormatException.class, () -> GgufFile.open(file)));
        assertThat(e.getMessage()).contains("metadata key").contains("2147483664 bytes")
                .contains("more than the " + GgufCursor.MAX_STRING_BYTES);
    }

    @Test
    void anArrayLongerThanAnIntIsRefusedNotMisallocated() throws IOException {
        byte[] key = "a".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = header(24 + 8 + key.length + 4 + 4 + 8);
        b.putLong(key.length).put(key).putInt(9).putInt(0).putLong((1L << 31) + 1); // array of uint8
        Path file = sparse("long-array.gguf", b.array(), THREE_GIB);
        ModelFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ModelFormatException.class, () -> GgufFile.open(file)));
        assertThat(e.getMessage()).contains("array of 2147483649 UINT8 values").contains("metadata key a");
    }

    @Test
    void aFileWithoutTensorsMayEndBeforeTheDataPadding() throws IOException {
        byte[] padded = new GgufWriter().string("general.name", "x").bytes();
        int unpadded = 24 + 8 + "general.name".length() + 4 + 8 + 1;
        assertThat(padded.length).as("the writer pads the header").isGreaterThan(unpadded);
        Path file = Files.write(dir.resolve("no-tensors.gguf"), Arrays.copyOf(padded, unpadded));
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.names()).isEmpty();
            assertThat(gguf.metadata().string("general.name")).isEqualTo("x");
        }
    }
}
