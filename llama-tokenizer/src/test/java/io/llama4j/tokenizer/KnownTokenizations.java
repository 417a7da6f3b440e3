package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Anchors published with the vocabulary (README of the fixtures, Meta's own test) and the special ids. */
class KnownTokenizations {
    private final LlamaTokenizer tokenizer = Fixtures.fromGgufArrays();

    @Test
    void helloWorld() {
        assertArrayEquals(new int[] {9906, 1917, 0}, tokenizer.encode("Hello world!", false));
        assertEquals("Hello world!", tokenizer.decode(new int[] {9906, 1917, 0}));
    }

    @Test
    void metasTestSentence() {
        assertArrayEquals(new int[] {2028, 374, 264, 1296, 11914, 13},
                tokenizer.encode("This is a test sentence.", false));
    }

    @Test
    void specialTextIsOrdinaryUnlessParsed() {
        assertArrayEquals(new int[] {27, 91, 68, 354, 851, 91, 29}, tokenizer.encode("<|eot_id|>", false));
        assertArrayEquals(new int[] {128009}, tokenizer.encode("<|eot_id|>", true));
    }

    @Test
    void wholeWordLookupBeatsMerges() {
        // llama.cpp PR #7193: " Việt" is one token only thanks to the whole-piece lookup.
        assertArrayEquals(new int[] {101798}, tokenizer.encode(" Việt", false));
    }

    @Test
    void llama31SpecialTokens() {
        assertEquals(128256, tokenizer.vocabularySize());
        assertEquals(128000, tokenizer.tokenId("<|begin_of_text|>"));
        assertEquals(128001, tokenizer.tokenId("<|end_of_text|>"));
        assertEquals(128006, tokenizer.tokenId("<|start_header_id|>"));
        assertEquals(128007, tokenizer.tokenId("<|end_header_id|>"));
        assertEquals(128008, tokenizer.tokenId("<|eom_id|>"));
        assertEquals(128009, tokenizer.tokenId("<|eot_id|>"));
        assertEquals(128010, tokenizer.tokenId("<|python_tag|>"));
        assertEquals(128255, tokenizer.tokenId("<|reserved_special_token_247|>"));
        assertEquals(-1, tokenizer.tokenId("<|step_id|>"));
        assertEquals(-1, tokenizer.tokenId("<|reserved_special_token_248|>"));
        assertTrue(tokenizer.isSpecial(128009));
        assertFalse(tokenizer.isSpecial(9906));
    }

    @Test
    void tokenIdTakesTheStoredByteLevelText() {
        assertEquals(9906, tokenizer.tokenId("Hello"));
        assertEquals(1917, tokenizer.tokenId("\u0120world"));   // "Ġworld" is " world"
        assertEquals(-1, tokenizer.tokenId(" world"));
        assertEquals(-1, tokenizer.tokenId(""));
    }

    @Test
    void allLoadersBuildTheSameSpecialTable() {
        for (LlamaTokenizer other : new LlamaTokenizer[] {Fixtures.fromTiktoken(), Fixtures.fromTokenizerJson()}) {
            assertEquals(tokenizer.vocabularySize(), other.vocabularySize());
            for (int id = 127990; id < tokenizer.vocabularySize(); id++) {
                assertEquals(tokenizer.isSpecial(id), other.isSpecial(id), "isSpecial(" + id + ")");
                assertArrayEquals(tokenizer.decodeBytes(new int[] {id}), other.decodeBytes(new int[] {id}), "token " + id);
            }
        }
    }

    @Test
    void withoutTokenTypesSpecialTokensAreRecognisedByTheirForm() {
        Fixtures.GgufArrays arrays = Fixtures.ggufArrays();
        LlamaTokenizer untyped = LlamaTokenizer.fromGgufVocabulary(arrays.tokens(), null, arrays.merges());
        assertTrue(untyped.isSpecial(128009));
        assertFalse(untyped.isSpecial(27));   // "<" alone is ordinary
        String text = "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>";
        assertArrayEquals(tokenizer.encode(text, true), untyped.encode(text, true));
        assertArrayEquals(new int[] {128006, 882, 128007, 271, 13347, 128009}, untyped.encode(text, true));
    }

    @Test
    void specialTokensDecodeToTheirText() {
        assertEquals("<|start_header_id|>user<|end_header_id|>",
                tokenizer.decode(new int[] {128006, 882, 128007}));
    }
}
