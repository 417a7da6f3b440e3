package io.llama4j.jmh.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared throughput corpus cut into paragraphs: one encode call per paragraph, as a service would
 * tokenize documents. The fixture README gives the token count of this workload, which every engine must
 * reproduce before its time counts.
 */
final class BenchCorpus {
    /** Sum over the paragraphs split on "\n\n" (fixture README); tiktoken and HF agree. */
    static final long PARAGRAPH_TOKENS = 1_742_014;

    private BenchCorpus() {
    }

    static Path shared() {
        return Path.of(System.getProperty("llama4j.shared", "../shared"));
    }

    static Path tokenizerFile(String name) {
        Path path = shared().resolve("data/llama3-tokenizer").resolve(name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("missing " + path + " (set -Dllama4j.shared=<path to shared>)");
        }
        return path;
    }

    static String[] paragraphs() {
        try {
            return Files.readString(tokenizerFile("bench-corpus.txt"), StandardCharsets.UTF_8).split("\n\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Refuses to time an engine that does not do the same work. */
    static void checkTokenCount(String engine, long tokens) {
        if (tokens != PARAGRAPH_TOKENS) {
            throw new IllegalStateException(engine + " produced " + tokens + " tokens, expected " + PARAGRAPH_TOKENS);
        }
    }
}
