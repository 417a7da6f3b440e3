package io.llama4j.sampling;

import io.llama4j.TokenHistory;

/**
 * Divides logits by {@code t}: below 1 sharpens, above 1 flattens. At 0 only the most likely token stays
 * (greedy), as llama.cpp's temperature sampler does for {@code t <= 0}.
 */
record Temperature(float t) implements Stage {
    @Override
    public void apply(Candidates c, TokenHistory history) {
        if (t == 0f) {
            int best = c.argmaxIndex();
            c.ids[0] = c.ids[best];
            c.logits[0] = c.logits[best];
            c.size = 1;
            c.identity = c.ids[0] == 0;
            c.sorted = true;
            return;
        }
        if (t == 1f) {
            return;
        }
        for (int i = 0; i < c.size; i++) {
            c.logits[i] /= t;
        }
    }
}
