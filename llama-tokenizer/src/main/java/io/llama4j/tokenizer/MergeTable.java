package io.llama4j.tokenizer;

import java.util.Arrays;

/**
 * The BPE merge rules: for a pair of adjacent tokens (left, right), the token they merge into and the
 * rule's priority (lower merges first).
 *
 * <p>The priority is the rule's position in the merge list for HF and GGUF vocabularies, and the rank of
 * the merged token for tiktoken vocabularies, which have no merge list (tiktoken merges any adjacent pair
 * whose concatenation is a token, lowest rank first). Stored as an open-addressing hash table of longs so
 * that a lookup allocates nothing.
 */
final class MergeTable {
    static final long NONE = -1L;

    private long[] keys;
    /** {@code priority << 32 | mergedId}, so comparing values compares priorities. */
    private long[] values;
    private int mask;
    private int shift;
    private int count;

    MergeTable(int expectedRules) {
        allocate(Integer.highestOneBit(Math.max(16, expectedRules * 2 - 1)) << 1);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, NONE);
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    /** Adds a rule unless the pair already has one (the earlier, higher-priority rule is kept). */
    void add(int left, int right, int merged, int priority) {
        if ((count + 1) * 2 > keys.length) {
            long[] oldKeys = keys;
            long[] oldValues = values;
            allocate(keys.length * 2);
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != NONE) {
                    place(oldKeys[i], oldValues[i]);
                }
            }
        }
        if (place(key(left, right), ((long) priority << 32) | merged)) {
            count++;
        }
    }

    private boolean place(long key, long value) {
        int slot = slot(key);
        while (keys[slot] != NONE) {
            if (keys[slot] == key) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
        return true;
    }

    int size() {
        return count;
    }

    /** {@code priority << 32 | mergedId} for the pair, or {@link #NONE}. */
    long find(int left, int right) {
        long key = key(left, right);
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == NONE) {
                return NONE;
            }
        }
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);   // Fibonacci hashing: the top bits mix best
    }
}
