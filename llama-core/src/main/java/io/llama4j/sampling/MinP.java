package io.llama4j.sampling;

import io.llama4j.TokenHistory;

/**
 * Keeps the tokens at least {@code p} times as likely as the most likely one: {@code prob >= p * maxProb},
 * i.e. {@code logit >= maxLogit + ln p}, so no softmax is needed. Off at p = 0.
 */
record MinP(float p) implements Stage {
    @Override
    public void apply(Candidates c, TokenHistory history) {
        if (p <= 0f || c.size == 0) {
            return;
        }
        float threshold = c.maxLogit() + (float) Math.log(p);
        int kept = 0;
        for (int i = 0; i < c.size; i++) {
            if (c.logits[i] >= threshold) {
                c.ids[kept] = c.ids[i];
                c.logits[kept] = c.logits[i];
                kept++;
            }
        }
        if (kept < c.size) {
            // Compaction preserves order but not "index = id".
            c.identity = false;
        }
        c.size = kept;
    }
}
