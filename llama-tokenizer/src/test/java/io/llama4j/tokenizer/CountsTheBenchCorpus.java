package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The throughput corpus, encoded as one string, has the README's token count (tiktoken and HF agree). */
class CountsTheBenchCorpus {
    @Test
    void wholeFileAsOneString() throws IOException {
        String corpus = Files.readString(Fixtures.tokenizerData("bench-corpus.txt"), StandardCharsets.UTF_8);
        assertEquals(1_753_374, Fixtures.fromGgufArrays().encode(corpus, false).length);
    }
}
