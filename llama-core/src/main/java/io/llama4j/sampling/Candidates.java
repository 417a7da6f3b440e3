package io.llama4j.sampling;

import java.util.Arrays;

/**
 * The tokens still in the running for one step, with their current logits: what llama.cpp calls the
 * candidate array. Stages rewrite logits and shrink the set; the order is either vocabulary order (before
 * any stage sorted) or highest logit first.
 */
final class Candidates {
    int[] ids;
    float[] logits;
    int size;
    /** Highest logit first (ties: lowest id first). */
    boolean sorted;
    /** {@code ids[i] == i} for every i: the whole vocabulary in order, so a token's index is its id. */
    boolean identity;

    private Candidates(int[] ids, float[] logits, int size, boolean sorted, boolean identity) {
        this.ids = ids;
        this.logits = logits;
        this.size = size;
        this.sorted = sorted;
        this.identity = identity;
    }

    /** The whole vocabulary, in id order, with a copy of {@code logits}. */
    static Candidates of(float[] logits) {
        int[] ids = new int[logits.length];
        for (int i = 0; i < ids.length; i++) {
            if (Float.isNaN(logits[i])) {
                throw new IllegalArgumentException("logit of token " + i + " is NaN");
            }
            ids[i] = i;
        }
        return new Candidates(ids, logits.clone(), logits.length, false, true);
    }

    /** Where token {@code id} is, or -1 if it is no longer a candidate. */
    int indexOf(int id) {
        if (identity) {
            return id < size ? id : -1;
        }
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Sorts by logit, highest first, keeping only the best {@code limit}. Selecting the best k of a
     * 128K vocabulary with a bounded heap is far cheaper than sorting it all, and top-k is the common case.
     */
    void sortDescending(int limit) {
        int keep = Math.min(limit, size);
        if (sorted) {
            truncate(keep);
            return;
        }
        long[] keys;
        if (keep < size / 8) {
            keys = smallestKeys(keep);
        } else {
            keys = new long[size];
            for (int i = 0; i < size; i++) {
                keys[i] = key(logits[i], i);
            }
            Arrays.sort(keys);
        }
        int[] newIds = new int[keep];
        float[] newLogits = new float[keep];
        for (int i = 0; i < keep; i++) {
            int index = (int) keys[i];  // the low half of a key is the candidate's index
            newIds[i] = ids[index];
            newLogits[i] = logits[index];
        }
        ids = newIds;
        logits = newLogits;
        size = keep;
        sorted = true;
        identity = false;
    }

    void sortDescending() {
        sortDescending(size);
    }

    /** Keeps the first {@code n} candidates. */
    void truncate(int n) {
        if (n < size) {
            size = n;
            // Vocabulary order cut short is still "index = id" for the ids that remain.
        }
    }

    /** Position of the highest logit (the first among equals). */
    int argmaxIndex() {
        if (sorted) {
            return 0;
        }
        int best = 0;
        for (int i = 1; i < size; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    float maxLogit() {
        return logits[argmaxIndex()];
    }

    /** Softmax of the current logits, in candidate order; computed in double from the maximum down. */
    double[] probabilities() {
        double max = maxLogit();
        double[] p = new double[size];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < size; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The k smallest keys (best candidates), sorted, via a max-heap of size k. */
    private long[] smallestKeys(int k) {
        long[] heap = new long[k];
        int filled = 0;
        for (int i = 0; i < size; i++) {
            long key = key(logits[i], i);
            if (filled < k) {
                heap[filled] = key;
                siftUp(heap, filled++);
            } else if (k > 0 && key < heap[0]) {
                heap[0] = key;
                siftDown(heap, k);
            }
        }
        Arrays.sort(heap, 0, filled);
        return heap;
    }

    private static void siftUp(long[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (heap[parent] >= heap[i]) {
                return;
            }
            long t = heap[parent];
            heap[parent] = heap[i];
            heap[i] = t;
            i = parent;
        }
    }

    private static void siftDown(long[] heap, int n) {
        int i = 0;
        while (true) {
            int largest = i;
            int l = 2 * i + 1;
            int r = l + 1;
            if (l < n && heap[l] > heap[largest]) {
                largest = l;
            }
            if (r < n && heap[r] > heap[largest]) {
                largest = r;
            }
            if (largest == i) {
                return;
            }
            long t = heap[largest];
            heap[largest] = heap[i];
            heap[i] = t;
            i = largest;
        }
    }

    /**
     * A long whose natural order is "higher logit first, then lower index first": the logit's bits made
     * order-preserving and inverted in the high half, the candidate index in the low half. Sorting primitives
     * this way avoids boxing 128K indices every step.
     */
    private long key(float logit, int index) {
        int bits = Float.floatToRawIntBits(logit);
        int ascending = bits >= 0 ? bits ^ 0x80000000 : ~bits;  // unsigned order of the floats
        int descending = ~ascending;
        return ((long) (descending ^ 0x80000000) << 32) | (index & 0xFFFFFFFFL);
    }
}
