package io.llama4j.format.safetensors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.llama4j.LlamaException;
import io.llama4j.fuzz.FuzzedModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzz target for the safetensors reader and {@code config.json} (Jazzer): an HF folder whose
 * {@code config.json} and {@code model.safetensors} come from the input either loads, validates its weights
 * and generates, or is refused with a {@link LlamaException}; never another exception, an
 * {@link OutOfMemoryError} or a hang.
 *
 * <p>Input layout: a little-endian {@code uint32} n, n bytes of {@code config.json}, then the safetensors
 * file. The folder's {@code tokenizer.json} is fixed (the trimmed 297-token Llama 3 vocabulary of the seeds).
 * Seeds ({@code ArbitraryHfFoldersAreLoadedOrRefusedWithTypedErrorsInputs/}): micro models written by the
 * shared fixture writer ({@code make_model.py}): BF16 with tied embeddings and F16 untied, their BOS/EOS ids
 * set to the trimmed vocabulary's. A long run:
 * <pre>{@code
 * JAZZER_FUZZ=1 bin/with-jdk25 mvn -o -pl llama-core -am test -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest='ArbitraryHfFoldersAreLoadedOrRefusedWithTypedErrors' -Djazzer.max_duration=1h
 * }</pre>
 */
class ArbitraryHfFoldersAreLoadedOrRefusedWithTypedErrors {
    private static final Path FOLDER = folderWithTokenizer();

    @FuzzTest(maxDuration = "10s")
    void loadingArbitraryConfigAndWeights(byte[] content) {
        int configLength = content.length < 4 ? 0
                : (int) Math.min(content.length - 4L, ByteBuffer.wrap(content, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL);
        int weightsStart = Math.min(content.length, 4 + configLength);
        FuzzedModels.write(FOLDER.resolve("config.json"), Arrays.copyOfRange(content, Math.min(4, content.length), weightsStart));
        FuzzedModels.write(FOLDER.resolve("model.safetensors"), Arrays.copyOfRange(content, weightsStart, content.length));
        FuzzedModels.loadAndGenerateOrRefuse(FOLDER);
    }

    private static Path folderWithTokenizer() {
        try (InputStream tokenizer = ArbitraryHfFoldersAreLoadedOrRefusedWithTypedErrors.class
                .getResourceAsStream("micro-tokenizer.json")) {
            Path folder = Files.createTempDirectory("fuzz-hf");
            folder.toFile().deleteOnExit();
            Path file = folder.resolve("tokenizer.json");
            Files.write(file, tokenizer.readAllBytes());
            for (String name : new String[] {"tokenizer.json", "config.json", "model.safetensors"}) {
                folder.resolve(name).toFile().deleteOnExit();
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
