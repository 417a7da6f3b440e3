package io.llama4j.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llama4j.Fixtures;
import io.llama4j.LlamaModel;
import io.llama4j.ModelFormatException;
import io.llama4j.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every corrupt or unsupported file is refused with a typed exception whose message says what and where. */
class GgufReaderRejectsBadFiles {
    @TempDir
    Path dir;

    private static final long[] VECTOR_8 = {8};

    private GgufWriter llamaHeader(String architecture) {
        return new GgufWriter().string("general.architecture", architecture).u32("llama.embedding_length", 8);
    }

    @Test
    void wrongMagicIsNotGguf() throws IOException {
        Path file = new GgufWriter().magic(0x12345678).write(dir.resolve("magic.gguf"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(file));
        assertThat(e.getMessage()).contains("not a GGUF file").contains("wrong magic 0x12345678");
    }

    @Test
    void truncatedFileNamesTheOffsetAndWhatWasBeingRead() throws IOException {
        byte[] whole = llamaHeader("llama").tensor("a.weight", 0, VECTOR_8, GgufWriter.floats(new float[8])).bytes();
        // Cut inside the first key's text: the reader names the string, the offset and the entry.
        Path file = Files.write(dir.resolve("cut.gguf"), Arrays.copyOf(whole, 50));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(file));
        assertThat(e.getMessage()).contains("truncated").contains("offset 32").contains("metadata entry 0");
        // Cut right after the counts: the entries cannot fit.
        Path early = Files.write(dir.resolve("early.gguf"), Arrays.copyOf(whole, 30));
        e = assertThrows(ModelFormatException.class, () -> GgufFile.open(early));
        assertThat(e.getMessage()).contains("truncated or corrupt").contains("metadata entries");
    }

    @Test
    void everyTruncationOfARealModelIsRefusedCleanly() throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.gguf("tiny-Q8_0"));
        for (int cut : new int[] {0, 3, 4, 8, 23, 24, 1000, 5_000_000, whole.length / 2, whole.length - 1}) {
            Path file = Files.write(dir.resolve("cut-" + cut + ".gguf"), Arrays.copyOf(whole, cut));
            assertThrows(ModelFormatException.class, () -> LlamaModel.load(file).close(), "cut at " + cut);
        }
    }

    @Test
    void unknownTensorTypeIsUnsupported() throws IOException {
        Path file = llamaHeader("llama").tensor("blk.0.attn_q.weight", 99, VECTOR_8, new byte[32]).write(dir.resolve("t.gguf"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> GgufFile.open(file));
        assertThat(e.getMessage()).contains("blk.0.attn_q.weight").contains("unknown ggml type 99");
    }

    @Test
    void tensorPastTheEndOfTheFile() throws IOException {
        Path file = llamaHeader("llama")
                .tensorAt("token_embd.weight", 0, new long[] {8, 4}, 4096, GgufWriter.floats(new float[8]))
                .write(dir.resolve("past.gguf"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(file));
        assertThat(e.getMessage()).contains("token_embd.weight").contains("extends past the end of the file");
    }

    @Test
    void nonLlamaArchitectureIsUnsupported() throws IOException {
        Path file = llamaHeader("gpt2").tensor("a.weight", 0, VECTOR_8, GgufWriter.floats(new float[8])).write(dir.resolve("g.gguf"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> LlamaModel.load(file));
        assertThat(e.getMessage()).contains("architecture \"gpt2\" is not supported");
    }

    @Test
    void unknownMetadataValueType() throws IOException {
        Path file = new GgufWriter().badValueType("general.name", 42).write(dir.resolve("v.gguf"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(file));
        assertThat(e.getMessage()).contains("unknown metadata value type 42").contains("general.name");
    }

    @Test
    void hugeArrayCountDoesNotAllocate() throws IOException {
        byte[] bytes = new GgufWriter().strings("tokenizer.ggml.tokens", GgufWriter.list("a")).bytes();
        // Overwrite the array length (after magic 4, version 4, counts 16, key 8+21, type 4, elem type 4) with 2^60.
        int at = 4 + 4 + 16 + 8 + "tokenizer.ggml.tokens".length() + 4 + 4;
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(at, 1L << 60);
        Path file = Files.write(dir.resolve("huge.gguf"), bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(file));
        assertThat(e.getMessage()).contains("larger than the rest of the file");
    }

    @Test
    void missingFileIsAFormatError() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(dir.resolve("none.gguf")));
        assertThat(e.getMessage()).contains("no such file");
    }

    @Test
    void unsupportedVersion() throws IOException {
        Path file = new GgufWriter().version(7).write(dir.resolve("v7.gguf"));
        assertThrows(UnsupportedModelException.class, () -> GgufFile.open(file));
    }
}
