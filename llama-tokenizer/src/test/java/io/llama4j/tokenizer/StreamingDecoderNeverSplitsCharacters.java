package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Characters that span several tokens (emoji, rare CJK) come out whole, and only once complete. */
class StreamingDecoderNeverSplitsCharacters {
    private final LlamaTokenizer tokenizer = Fixtures.fromGgufArrays();

    @Test
    void multiTokenCharactersAreHeldUntilComplete() {
        String text = "Llamas 🦙 and 👩‍👩‍👧‍👦 families; 鱻龘 and 𠜎𠜱 are rare; done.";
        int[] ids = tokenizer.encode(text, false);
        StreamingDecoder decoder = tokenizer.newStreamingDecoder();
        StringBuilder out = new StringBuilder();
        int heldBack = 0;
        for (int id : ids) {
            String piece = decoder.accept(id);
            assertFalse(piece.contains("\uFFFD"), "emitted a broken character");
            if (!piece.isEmpty()) {
                assertFalse(Character.isHighSurrogate(piece.charAt(piece.length() - 1)), "split a surrogate pair");
            }
            heldBack += piece.isEmpty() ? 1 : 0;
            out.append(piece);
        }
        out.append(decoder.flush());
        assertEquals(text, out.toString());
        assertTrue(heldBack > 0, "the text should contain characters spanning several tokens");
    }

    @Test
    void eachTokenOfAnEmojiAloneIsIncomplete() {
        int[] ids = tokenizer.encode("🦙", false);
        assertTrue(ids.length > 1, "🦙 spans several tokens");
        StreamingDecoder decoder = tokenizer.newStreamingDecoder();
        for (int i = 0; i < ids.length - 1; i++) {
            assertEquals("", decoder.accept(ids[i]));
        }
        assertEquals("🦙", decoder.accept(ids[ids.length - 1]));
        assertEquals("", decoder.flush());
    }

    @Test
    void flushTurnsAnUnfinishedCharacterIntoAReplacementCharacter() {
        int[] ids = tokenizer.encode("🦙", false);
        StreamingDecoder decoder = tokenizer.newStreamingDecoder();
        assertEquals("", decoder.accept(ids[0]));
        assertEquals("\uFFFD", decoder.flush());
    }

    @Test
    void bytesThatCanNeverFormACharacterAreNotHeld() {
        StreamingDecoder decoder = tokenizer.newStreamingDecoder();
        int lone0xFF = tokenizer.tokenId(String.valueOf(ByteLevelAlphabet.charOf(0xFF)));
        assertEquals("\uFFFD", decoder.accept(lone0xFF));
        int leadE0 = tokenizer.tokenId(String.valueOf(ByteLevelAlphabet.charOf(0xE0)));
        int continuation80 = tokenizer.tokenId(String.valueOf(ByteLevelAlphabet.charOf(0x80)));
        assertEquals("", decoder.accept(leadE0));
        // E0 80 is an overlong form: no third byte can make it valid.
        assertTrue(decoder.accept(continuation80).startsWith("\uFFFD"));
    }

    @Test
    void specialTokensStreamAsTheirText() {
        StreamingDecoder decoder = tokenizer.newStreamingDecoder();
        assertEquals("<|eot_id|>", decoder.accept(128009));
    }
}
