package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target for {@code tokenizer.json} loading (Jazzer): any bytes either load as a tokenizer that then
 * encodes and decodes, or are refused with a {@link TokenizerException}; never another exception, an
 * {@link OutOfMemoryError} or a hang. Seeds: {@code ArbitraryTokenizerJsonIsLoadedOrRefusedWithTypedErrorsInputs/}
 * (a trimmed real tokenizer.json: the Llama 3 pre-tokenizer, the 256 byte tokens, a few merges and specials).
 * A long run:
 * <pre>{@code
 * JAZZER_FUZZ=1 bin/with-jdk25 mvn -o -pl llama-tokenizer test -Dtest='ArbitraryTokenizerJsonIsLoadedOrRefusedWithTypedErrors' -Djazzer.max_duration=1h
 * }</pre>
 */
class ArbitraryTokenizerJsonIsLoadedOrRefusedWithTypedErrors {
    private static final Path FILE = temporaryFile();

    @FuzzTest(maxDuration = "10s")
    void loadingArbitraryBytes(byte[] content) throws IOException {
        Files.write(FILE, content);
        LlamaTokenizer tokenizer;
        try {
            tokenizer = LlamaTokenizer.fromTokenizerJson(FILE);
        } catch (TokenizerException expected) {
            return;
        }
        // A tokenizer that loaded must work on any text (every byte is a token of a byte-level vocabulary).
        String text = "Hello, world! 123 \u00e9\u4e2d \uD83D\uDE00";
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)));
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)));
    }

    private static Path temporaryFile() {
        try {
            Path file = Files.createTempFile("fuzz-tokenizer", ".json");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
