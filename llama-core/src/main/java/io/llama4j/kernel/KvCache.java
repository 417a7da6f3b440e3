package io.llama4j.kernel;

import java.util.Arrays;

/**
 * Keys (after RoPE) and values of every position evaluated so far, per layer, in float32. Grows with use up
 * to the context length instead of being allocated for the whole context up front.
 */
final class KvCache {
    private static final int MIN_CAPACITY = 256;

    private final int layers;
    private final int kvDim;
    private final int contextLength;
    private final float[][] keys;
    private final float[][] values;
    private int capacity;

    KvCache(int layers, int kvDim, int contextLength) {
        this.layers = layers;
        this.kvDim = kvDim;
        this.contextLength = contextLength;
        this.keys = new float[layers][0];
        this.values = new float[layers][0];
    }

    int contextLength() {
        return contextLength;
    }

    /** Makes room for positions {@code 0 ..< positions}. */
    void ensureCapacity(int positions) {
        if (positions <= capacity) {
            return;
        }
        int grown = (int) Math.min(contextLength, Math.max(positions, Math.max(MIN_CAPACITY, 2L * capacity)));
        for (int l = 0; l < layers; l++) {
            keys[l] = Arrays.copyOf(keys[l], grown * kvDim);
            values[l] = Arrays.copyOf(values[l], grown * kvDim);
        }
        capacity = grown;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }
}
