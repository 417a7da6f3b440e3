package io.llama4j.sampling;

import io.llama4j.TokenHistory;

/**
 * Nucleus sampling as llama.cpp does it: softmax of the current logits, highest first, and keep the
 * shortest prefix whose cumulative probability reaches {@code p} (at least one token). Off at p = 1.
 */
record TopP(float p) implements Stage {
    @Override
    public void apply(Candidates c, TokenHistory history) {
        if (p >= 1f) {
            return;
        }
        c.sortDescending();
        double[] probabilities = c.probabilities();
        double cumulative = 0;
        for (int i = 0; i < c.size; i++) {
            cumulative += probabilities[i];
            if (cumulative >= p) {
                c.truncate(i + 1);
                return;
            }
        }
    }
}
