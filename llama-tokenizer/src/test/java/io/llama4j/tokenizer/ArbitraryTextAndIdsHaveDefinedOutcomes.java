package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for the tokenizer itself (Jazzer). In a plain build they run as regression tests over the
 * committed seeds in {@code ArbitraryTextAndIdsHaveDefinedOutcomesInputs/}; with {@code JAZZER_FUZZ=1} the
 * build fuzzes each for a few seconds (see the surefire executions in this module's pom), and a long run is
 * <pre>{@code
 * JAZZER_FUZZ=1 bin/with-jdk25 mvn -o -pl llama-tokenizer test -Dtest='ArbitraryTextAndIdsHaveDefinedOutcomes#encodeThenDecodeGivesTheTextBack' -Djazzer.max_duration=1h
 * }</pre>
 *
 * <p>Every string encodes, and decodes back to itself with lone surrogates replaced by U+FFFD (the tokenizer
 * works on UTF-8, where a lone surrogate cannot be written); every id sequence decodes, or is refused with a
 * {@link TokenizerException} exactly when an id lies outside the vocabulary.
 */
class ArbitraryTextAndIdsHaveDefinedOutcomes {
    private static final LlamaTokenizer TOKENIZER = Fixtures.fromGgufArrays();

    @FuzzTest(maxDuration = "10s")
    void encodeThenDecodeGivesTheTextBack(FuzzedDataProvider data) {
        boolean parseSpecial = data.consumeBoolean();
        String text = data.consumeBoolean() ? data.consumeRemainingAsString() : utf16Units(data);
        int[] ids = TOKENIZER.encode(text, parseSpecial);
        for (int id : ids) {
            assertTrue(id >= 0 && id < TOKENIZER.vocabularySize(), "id " + id);
        }
        String expected = withLoneSurrogatesReplaced(text);
        assertEquals(expected, TOKENIZER.decode(ids));
        if (!parseSpecial) {
            // Ordinary text never yields a special token, whatever it contains.
            for (int id : ids) {
                assertTrue(!TOKENIZER.isSpecial(id), "special token " + id + " from ordinary text");
            }
        }
        // Streaming the same ids gives the same text, piece by piece.
        StreamingDecoder decoder = TOKENIZER.newStreamingDecoder();
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            streamed.append(decoder.accept(id));
        }
        streamed.append(decoder.flush());
        assertEquals(expected, streamed.toString());
        // Encoding is a function of the text: the well-formed text gives the same ids.
        assertArrayEquals(ids, TOKENIZER.encode(expected, parseSpecial));
    }

    @FuzzTest(maxDuration = "10s")
    void decodingArbitraryIdsGivesTextOrATypedError(FuzzedDataProvider data) {
        int vocabulary = TOKENIZER.vocabularySize();
        int[] ids = new int[data.consumeInt(0, 64)];
        boolean outOfRange = false;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = data.consumeBoolean() ? data.consumeInt(-2, vocabulary + 1) : data.consumeInt();
            outOfRange |= ids[i] < 0 || ids[i] >= vocabulary;
        }
        byte[] bytes;
        try {
            bytes = TOKENIZER.decodeBytes(ids);
        } catch (TokenizerException e) {
            assertTrue(outOfRange, "refused in-range ids: " + e.getMessage());
            return;
        }
        assertTrue(!outOfRange, "accepted an id outside the vocabulary");
        String text = TOKENIZER.decode(ids);
        assertEquals(new String(bytes, StandardCharsets.UTF_8), text);
        StreamingDecoder decoder = TOKENIZER.newStreamingDecoder();
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            String piece = decoder.accept(id);
            assertTrue(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1)),
                    "a piece ends inside a character");
            streamed.append(piece);
        }
        streamed.append(decoder.flush());
        if (isUtf8(bytes)) {
            assertEquals(text, streamed.toString());
        }
    }

    /** Arbitrary UTF-16 code units, lone and reversed surrogates included, which consumeString never makes. */
    private static String utf16Units(FuzzedDataProvider data) {
        StringBuilder sb = new StringBuilder();
        while (data.remainingBytes() >= 2) {
            sb.append(data.consumeChar());
        }
        return sb.toString();
    }

    /** What Java's UTF-8 decoder would give for this text's bytes if lone surrogates were encodable. */
    private static String withLoneSurrogatesReplaced(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
