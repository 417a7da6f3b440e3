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
