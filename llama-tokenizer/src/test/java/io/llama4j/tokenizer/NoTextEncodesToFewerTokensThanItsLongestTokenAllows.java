package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LlamaTokenizer#longestTokenBytes()} is a true bound: no token's bytes (special tokens by their text)
 * are longer, one token reaches it, and so no text encodes to fewer than ceil(bytes / bound) tokens.
 */
class NoTextEncodesToFewerTokensThanItsLongestTokenAllows {
    private final LlamaTokenizer tokenizer = Fixtures.fromTokenizerJson();

    @Test
    void theBoundIsTheLongestTokenInTheVocabulary() {
        int longest = tokenizer.longestTokenBytes();
        int reached = 0;
        for (int id = 0; id < tokenizer.vocabularySize(); id++) {
            int length = tokenizer.isSpecial(id)
                    ? tokenizer.decode(new int[] {id}).getBytes(StandardCharsets.UTF_8).length
                    : tokenizer.decodeBytes(new int[] {id}).length;
            final int id0 = id;
            assertTrue(length <= longest, () -> "token " + id0 + " has " + length + " bytes");
            reached = Math.max(reached, length);
        }
        assertEquals(longest, reached);
    }

    @Test
    void everyEncodingHasAtLeastTheBoundsTokenCount() {
        int longest = tokenizer.longestTokenBytes();
        Random random = new Random(7);
        String[] alphabet = {"a", " ", "=", "-", "\n", "é", "東", "<|eot_id|>", "Hello", "    "};
        for (int n = 0; n < 300; n++) {
            StringBuilder text = new StringBuilder();
            int pieces = 1 + random.nextInt(400);
            String piece = alphabet[random.nextInt(alphabet.length)];
            for (int i = 0; i < pieces; i++) {
                text.append(random.nextInt(8) == 0 ? alphabet[random.nextInt(alphabet.length)] : piece);
            }
            int bytes = text.toString().getBytes(StandardCharsets.UTF_8).length;
            int tokens = tokenizer.encode(text.toString(), true).length;
            assertTrue((long) tokens * longest >= bytes, () -> tokens + " tokens x " + longest + " < " + bytes + " bytes");
        }
    }
}
