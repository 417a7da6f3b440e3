package io.llama4j.sampling;

import io.llama4j.TokenHistory;

/** Keeps the {@code k} highest logits (all when k is 0), leaving them sorted. */
record TopK(int k) implements Stage {
    @Override
    public void apply(Candidates c, TokenHistory history) {
        if (k > 0) {
            c.sortDescending(k);
        }
    }
}
