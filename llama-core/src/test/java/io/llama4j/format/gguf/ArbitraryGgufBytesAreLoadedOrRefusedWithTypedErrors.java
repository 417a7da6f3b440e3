package io.llama4j.format.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.llama4j.LlamaException;
import io.llama4j.fuzz.FuzzedModels;
import java.nio.file.Path;

/**
 * Fuzz target for the GGUF reader (Jazzer): any bytes, loaded as a model file, either give a model that
 * validates its weights and generates, or are refused with a {@link LlamaException}; never another exception,
 * an {@link OutOfMemoryError} or a hang. Every size in the file is checked against the file's size before
 * anything is allocated from it, which is what lets a 30 KB input never ask for gigabytes.
 *
 * <p>Seeds ({@code ArbitraryGgufBytesAreLoadedOrRefusedWithTypedErrorsInputs/}): micro models written by the
 * shared fixture writer ({@code make_model.py}: dim 32, one layer, the trimmed 297-token Llama 3 vocabulary)
 * in Q8_0 and F16 (their BOS/EOS ids set to the trimmed vocabulary's), one without a tokenizer, and each
 * finding once fixed ({@code finding-*}: Q8_0 tensor infos over F16 data, finite weights whose activations
 * overflow to NaN logits). In a plain build they run as regression tests; the
 * {@code fuzz-targets} profile fuzzes for a few seconds; a long run:
 * <pre>{@code
 * JAZZER_FUZZ=1 bin/with-jdk25 mvn -o -pl llama-core -am test -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest='ArbitraryGgufBytesAreLoadedOrRefusedWithTypedErrors' -Djazzer.max_duration=1h
 * }</pre>
 */
class ArbitraryGgufBytesAreLoadedOrRefusedWithTypedErrors {
    private static final Path FILE = FuzzedModels.temporaryFile("fuzz", ".gguf");

    @FuzzTest(maxDuration = "10s")
    void loadingArbitraryBytes(byte[] content) {
        FuzzedModels.write(FILE, content);
        FuzzedModels.loadAndGenerateOrRefuse(FILE);
    }
}
