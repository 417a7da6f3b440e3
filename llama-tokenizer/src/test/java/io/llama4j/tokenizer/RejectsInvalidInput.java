package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails with a {@link TokenizerException} that says what and where, never deep inside. */
class RejectsInvalidInput {
    @TempDir
    Path dir;

    private final LlamaTokenizer tokenizer = Fixtures.fromGgufArrays();

    @Test
    void idsOutOfRange() {
        assertMessage(assertThrows(TokenizerException.class, () -> tokenizer.decode(new int[] {1, 128256})), "128256");
        assertMessage(assertThrows(TokenizerException.class, () -> tokenizer.decodeBytes(new int[] {-1})), "-1");
        assertMessage(assertThrows(TokenizerException.class, () -> tokenizer.isSpecial(200000)), "200000");
        StreamingDecoder decoder = tokenizer.newStreamingDecoder();
        assertMessage(assertThrows(TokenizerException.class, () -> decoder.accept(Integer.MAX_VALUE)), "2147483647");
    }

    @Test
    void malformedTokenizerJsonNamesFileAndPosition() throws IOException {
        Path file = write("broken.json", "{\"model\": {\"vocab\": {\"a\": 0,}}}");
        TokenizerException e = assertThrows(TokenizerException.class, () -> LlamaTokenizer.fromTokenizerJson(file));
        assertMessage(e, "broken.json:1:");
    }

    @Test
    void tokenizerJsonThatIsNotUtf8NamesFileAndByte() throws IOException {
        Path file = dir.resolve("latin1.json");
        Files.write(file, new byte[] {'{', '"', 'a', (byte) 0xE9, '"', ':', '1', '}'});
        assertMessage(assertThrows(TokenizerException.class, () -> LlamaTokenizer.fromTokenizerJson(file)),
                "latin1.json: not UTF-8 text (at byte 3)");
    }

    @Test
    void tokenizerJsonWithAHugeTokenIdIsRefusedBeforeAllocatingForIt() throws IOException {
        Path file = write("sparse.json", "{\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": "
                + JsonWriter.write(VocabularyLoader.LLAMA3_PATTERN) + "}},"
                + " \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 15999999}, \"merges\": []}}");
        assertMessage(assertThrows(TokenizerException.class, () -> LlamaTokenizer.fromTokenizerJson(file)),
                "token ids reach 15999999 but only 1 tokens are defined");
    }

    @Test
    void tokenizerJsonWithoutModelNamesTheField() throws IOException {
        Path file = write("nomodel.json", "{\"added_tokens\": []}");
        assertMessage(assertThrows(TokenizerException.class, () -> LlamaTokenizer.fromTokenizerJson(file)), "\"model\"");
    }

    @Test
    void tokenizerJsonWithAnotherPreTokenizerIsRefused() throws IOException {
        Path file = write("gpt2.json", "{\"pre_tokenizer\": {\"type\": \"ByteLevel\", \"use_regex\": true},"
                + " \"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": []}}");
        assertMessage(assertThrows(TokenizerException.class, () -> LlamaTokenizer.fromTokenizerJson(file)),
                "not the Llama 3 split pattern");
    }

    @Test
    void malformedTiktokenLineNamesFileAndLine() throws IOException {
        Path file = write("tokenizer.model", "IQ== 0\nnot-base64!! 1\n");
        assertMessage(assertThrows(TokenizerException.class, () -> LlamaTokenizer.fromTiktoken(file)),
                "tokenizer.model:2:");
        Path gap = write("gap.model", "IQ== 0\nIg== 2\n");
        assertMessage(assertThrows(TokenizerException.class, () -> LlamaTokenizer.fromTiktoken(gap)), "rank 1");
    }

    @Test
    void tiktokenFileWithoutAllBytesIsNotByteLevel() throws IOException {
        Path file = write("small.model", "IQ== 0\nIg== 1\n");
        assertMessage(assertThrows(TokenizerException.class, () -> LlamaTokenizer.fromTiktoken(file)), "single byte");
    }

    @Test
    void ggufMergeWithUnknownTokenNamesTheMerge() {
        Fixtures.GgufArrays arrays = Fixtures.ggufArrays();
        List<String> merges = List.of("Ġ Ġ", "Ġ nosuchtoken");
        assertMessage(assertThrows(TokenizerException.class,
                () -> LlamaTokenizer.fromGgufVocabulary(arrays.tokens(), arrays.types(), merges)), "merges[1]");
        assertMessage(assertThrows(TokenizerException.class,
                () -> LlamaTokenizer.fromGgufVocabulary(arrays.tokens(), new int[3], arrays.merges())), "token_type");
        assertMessage(assertThrows(TokenizerException.class,
                () -> LlamaTokenizer.fromGgufVocabulary(arrays.tokens(), arrays.types(), List.of("ĠĠ"))), "merges[0]");
    }

    @Test
    void ggufTokenThatIsNotByteLevelIsNamed() {
        Fixtures.GgufArrays arrays = Fixtures.ggufArrays();
        List<String> tokens = new java.util.ArrayList<>(arrays.tokens());
        tokens.set(500, "has space");   // a raw space never occurs in byte-level text
        assertMessage(assertThrows(TokenizerException.class,
                () -> LlamaTokenizer.fromGgufVocabulary(tokens, arrays.types(), arrays.merges())), "tokens[500]");
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static void assertMessage(Exception e, String expectedPart) {
        assertTrue(e.getMessage().contains(expectedPart),
                "message should mention " + expectedPart + ": " + e.getMessage());
    }
}
