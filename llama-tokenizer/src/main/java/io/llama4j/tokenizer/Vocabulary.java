package io.llama4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The token table: id to bytes for decoding, and bytes to id for the BPE's whole-piece lookups.
 *
 * <p>Token bytes live in one flat array. Lookups by bytes use an open-addressing hash table over that
 * array, so the encoder can ask "is this byte range a token?" without creating a key object.
 */
final class Vocabulary {
    private final byte[] data;
    private final int[] offsets;          // token i is data[offsets[i], offsets[i + 1])
    private final TokenType[] types;
    private final int[] slots;            // hash table of token ids + 1 (0 = empty), for BPE tokens only
    private final int slotMask;
    private final int[] byteTokens = new int[256];
    private final Map<String, Integer> specialIds = new HashMap<>();

    /**
     * @param tokenBytes the bytes each token decodes to
     * @param types      the type of each token
     */
    Vocabulary(List<byte[]> tokenBytes, TokenType[] types) {
        int size = tokenBytes.size();
        if (types.length != size) {
            throw new TokenizerException("vocabulary has " + size + " tokens but " + types.length + " token types");
        }
        this.types = types.clone();
        offsets = new int[size + 1];
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += tokenBytes.get(i).length;
            if (total > Integer.MAX_VALUE - 8) {
                throw new TokenizerException("vocabulary too large");
            }
            offsets[i + 1] = (int) total;
        }
        data = new byte[(int) total];
        for (int i = 0; i < size; i++) {
            byte[] b = tokenBytes.get(i);
            System.arraycopy(b, 0, data, offsets[i], b.length);
        }

        int capacity = Integer.highestOneBit(Math.max(16, size * 2 - 1)) << 1;
        slots = new int[capacity];
        slotMask = capacity - 1;
        Arrays.fill(byteTokens, -1);
        for (int id = 0; id < size; id++) {
            if (types[id].isSpecial()) {
                specialIds.putIfAbsent(new String(data, offsets[id], length(id), StandardCharsets.UTF_8), id);
            } else if (types[id] == TokenType.NORMAL || types[id] == TokenType.BYTE) {
                insert(id);
            }
        }
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = idOf(new byte[] {(byte) b}, 0, 1);
            if (byteTokens[b] < 0) {
                throw new TokenizerException(String.format(
                        "not a byte-level vocabulary: no token for the single byte 0x%02X", b));
            }
        }
    }

    int size() {
        return types.length;
    }

    TokenType type(int id) {
        return types[id];
    }

    int length(int id) {
        return offsets[id + 1] - offsets[id];
    }

    byte[] bytes(int id) {
        return Arrays.copyOfRange(data, offsets[id], offsets[id + 1]);
    }

    int byteLength(int id) {
        return offsets[id + 1] - offsets[id];
    }

    /** Copies the bytes of token {@code id} to {@code dest} at {@code at}; returns the number copied. */
    int copyBytes(int id, byte[] dest, int at) {
        int from = offsets[id];
        int n = offsets[id + 1] - from;
        System.arraycopy(data, from, dest, at, n);
        return n;
    }

    /** The token whose bytes are the single byte {@code unsignedByte}. */
    int byteToken(int unsignedByte) {
        return byteTokens[unsignedByte];
    }

    /** Special (control or user-defined) tokens by their text. */
    Map<String, Integer> specialIds() {
        return java.util.Collections.unmodifiableMap(specialIds);
    }

    /** The BPE token (normal or byte type) whose bytes are {@code key[from, to)}, or -1. */
    int idOf(byte[] key, int from, int to) {
        int length = to - from;
        for (int slot = hash(key, from, to) & slotMask; ; slot = (slot + 1) & slotMask) {
            int entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            int id = entry - 1;
            int start = offsets[id];
            if (offsets[id + 1] - start == length && Arrays.equals(data, start, start + length, key, from, to)) {
                return id;
            }
        }
    }

    private void insert(int id) {
        int start = offsets[id];
        int end = offsets[id + 1];
        if (idOf(data, start, end) >= 0) {
            return;   // a duplicate byte string: the lower id wins, as in a dictionary built in id order
        }
        int slot = hash(data, start, end) & slotMask;
        while (slots[slot] != 0) {
            slot = (slot + 1) & slotMask;
        }
        slots[slot] = id + 1;
    }

    private static int hash(byte[] key, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) {
            h = (h ^ key[i]) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }
}
