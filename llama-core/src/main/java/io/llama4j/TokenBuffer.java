package io.llama4j;

import java.util.Arrays;

/** A growable list of token ids; the session's record of what its KV cache holds. */
final class TokenBuffer implements TokenHistory {
    private int[] ids = new int[64];
    private int size;

    @Override
    public int size() {
        return size;
    }

    @Override
    public int get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index + " of " + size);
        }
        return ids[index];
    }

    void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
    }

    void addAll(int[] tokens, int from, int to) {
        for (int i = from; i < to; i++) {
            add(tokens[i]);
        }
    }

    /** Forgets everything from {@code newSize} on. */
    void truncate(int newSize) {
        size = Math.min(size, newSize);
    }

    /** How many leading tokens this buffer shares with {@code tokens}. */
    int commonPrefix(int[] tokens) {
        int n = Math.min(size, tokens.length);
        int i = 0;
        while (i < n && ids[i] == tokens[i]) {
            i++;
        }
        return i;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
