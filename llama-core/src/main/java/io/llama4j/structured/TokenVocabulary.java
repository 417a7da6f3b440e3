package io.llama4j.structured;

import io.llama4j.tokenizer.LlamaTokenizer;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The bytes of every ordinary token, sorted so that tokens sharing a prefix are neighbours: walking them in
 * order visits the prefix tree of the vocabulary, and a prefix the automaton rejects skips its whole subtree.
 * Built once per tokenizer (about 130K decodes) and shared by every generation; immutable.
 */
final class TokenVocabulary {
    private static final Map<LlamaTokenizer, TokenVocabulary> BUILT = new WeakHashMap<>();

    /** Ordinary tokens in byte order. */
    final int[] ids;
    final byte[][] bytes;
    /** Token id to its bytes; null for special tokens, which never appear inside JSON. */
    final byte[][] byId;
    final int longest;
    /**
     * Per token id: how many leading bytes are plain string content (printable ASCII other than {@code "} and
     * {@code \}, and whole valid UTF-8 sequences), and how many characters they are. Inside a string most
     * tokens are nothing else, so they need no automaton steps.
     */
    final int[] plainBytes;
    final int[] plainChars;

    private TokenVocabulary(LlamaTokenizer tokenizer) {
        int n = tokenizer.vocabularySize();
        byId = new byte[n][];
        int count = 0;
        for (int id = 0; id < n; id++) {
            if (!tokenizer.isSpecial(id)) {
                byte[] b = tokenizer.decodeBytes(new int[] {id});
                if (b.length > 0) {
                    byId[id] = b;
                    count++;
                }
            }
        }
        Integer[] order = new Integer[count];
        for (int id = 0, k = 0; id < n; id++) {
            if (byId[id] != null) {
                order[k++] = id;
            }
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(byId[a], byId[b]));
        ids = new int[count];
        bytes = new byte[count][];
        int max = 0;
        for (int i = 0; i < count; i++) {
            ids[i] = order[i];
            bytes[i] = byId[order[i]];
            max = Math.max(max, bytes[i].length);
        }
        longest = max;
        plainBytes = new int[n];
        plainChars = new int[n];
        for (int id = 0; id < n; id++) {
            if (byId[id] != null) {
                measurePlain(id);
            }
        }
    }

    private void measurePlain(int id) {
        byte[] b = byId[id];
        int at = 0;
        int chars = 0;
        while (at < b.length) {
            int length = plainCharacterLength(b, at);
            if (length == 0) {
                break;
            }
            at += length;
            chars++;
        }
        plainBytes[id] = at;
        plainChars[id] = chars;
    }

    /** The length of the plain character at {@code at}, or 0 if there is none (a quote, escape, bad or cut UTF-8). */
    private static int plainCharacterLength(byte[] b, int at) {
        int c = b[at] & 0xFF;
        if (c < 0x80) {
            return c >= 0x20 && c != '"' && c != '\\' ? 1 : 0;
        }
        int need;
        int lo = 0x80;
        int hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return 0;
        }
        if (at + need >= b.length) {
            return 0;
        }
        for (int k = 1; k <= need; k++) {
            int x = b[at + k] & 0xFF;
            if (x < lo || x > hi) {
                return 0;
            }
            lo = 0x80;
            hi = 0xBF;
        }
        return need + 1;
    }

    static TokenVocabulary of(LlamaTokenizer tokenizer) {
        synchronized (BUILT) {
            return BUILT.computeIfAbsent(tokenizer, TokenVocabulary::new);
        }
    }

    int size() {
        return byId.length;
    }
}
