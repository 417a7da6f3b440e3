package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** decode(encode(s)) == s for every valid string, with and without special parsing. */
class DecodingInvertsEncoding {
    private final LlamaTokenizer tokenizer = Fixtures.fromGgufArrays();

    @Test
    void everyReferenceText() {
        for (Fixtures.Case c : Fixtures.cases("cases.jsonl")) {
            assertEquals(c.text(), tokenizer.decode(tokenizer.encode(c.text(), false)), c.toString());
            assertEquals(c.text(), tokenizer.decode(tokenizer.encode(c.text(), true)), c.toString());
        }
    }

    @Test
    void randomCodePointStrings() {
        Random random = new Random(42);
        for (int n = 0; n < 2000; n++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                int cp;
                do {
                    cp = random.nextInt(4) == 0 ? random.nextInt(0x110000) : random.nextInt(0x3100);
                } while (cp >= 0xD800 && cp <= 0xDFFF);   // surrogates are not characters
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertEquals(s, tokenizer.decode(tokenizer.encode(s, false)), () -> "round trip of " + escape(s));
        }
    }

    @Test
    void aLoneSurrogateIsEncodedAsTheReplacementCharacter() {
        assertEquals("a\uFFFDb", tokenizer.decode(tokenizer.encode("a\uD800b", false)));
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(String.format("\\u{%X}", cp)));
        return sb.toString();
    }
}
