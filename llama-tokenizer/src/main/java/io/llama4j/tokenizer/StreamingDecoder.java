package io.llama4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns generated tokens into text one token at a time without ever emitting half a character.
 *
 * <p>A byte-level token may end in the middle of a UTF-8 sequence (an emoji is often two or three
 * tokens). The decoder holds back such an unfinished tail until the tokens that complete it arrive. Bytes
 * that can never become a valid character are emitted as U+FFFD at once rather than held.
 *
 * <pre>{@code
 * StreamingDecoder decoder = tokenizer.newStreamingDecoder();
 * for (int id : generatedIds) {
 *     System.out.print(decoder.accept(id));
 * }
 * System.out.print(decoder.flush());
 * }</pre>
 *
 * <p>Not thread-safe: one decoder per generation stream.
 */
public final class StreamingDecoder {
    private final LlamaTokenizer tokenizer;
    private byte[] pending = new byte[16];
    private int pendingLength;

    StreamingDecoder(LlamaTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Adds one token and returns the text it completes: "" while a character is still unfinished.
     *
     * @throws TokenizerException if the id is not in the vocabulary
     */
    public String accept(int tokenId) {
        byte[] bytes = tokenizer.tokenBytes(tokenId);
        if (pendingLength + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
        pendingLength += bytes.length;
        int complete = completePrefixLength(pending, pendingLength);
        if (complete == 0) {
            return "";
        }
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text;
    }

    /** Returns whatever is held back (an unfinished sequence becomes U+FFFD) and empties the decoder. */
    public String flush() {
        String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text;
    }

    /**
     * Length of the prefix that can be decoded now: everything except a trailing sequence that is a valid
     * start of a character still missing its continuation bytes.
     */
    static int completePrefixLength(byte[] bytes, int length) {
        // A UTF-8 character is at most 4 bytes, so an unfinished one starts within the last 3.
        for (int start = length - 1; start >= Math.max(0, length - 3); start--) {
            int b = bytes[start] & 0xFF;
            if (b < 0x80) {
                return length;                    // ASCII: nothing after it can be unfinished
            }
            if (b < 0xC0) {
                continue;                         // continuation byte: look further back for its lead
            }
            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
            int have = length - start;
            if (have >= needed || !isValidStart(bytes, start, length)) {
                return length;                    // complete, or malformed anyway: decode it all now
            }
            return start;
        }
        return length;
    }

    /** Whether bytes[start, end) could begin a well-formed character (lead byte and continuations so far). */
    private static boolean isValidStart(byte[] bytes, int start, int end) {
        int lead = bytes[start] & 0xFF;
        if (lead < 0xC2 || lead > 0xF4) {
            return false;
        }
        for (int i = start + 1; i < end; i++) {
            int b = bytes[i] & 0xFF;
            int min = 0x80;
            int max = 0xBF;
            if (i == start + 1) {
                // The second byte rules out overlong forms, surrogates and code points above U+10FFFF.
                if (lead == 0xE0) {
                    min = 0xA0;
                } else if (lead == 0xED) {
                    max = 0x9F;
                } else if (lead == 0xF0) {
                    min = 0x90;
                } else if (lead == 0xF4) {
                    max = 0x8F;
                }
            }
            if (b < min || b > max) {
                return false;
            }
        }
        return true;
    }
}
