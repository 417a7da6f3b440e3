package io.llama4j.sampling;

import io.llama4j.TokenHistory;
import java.util.Map;

/** Adds a fixed amount to chosen tokens' logits; negative infinity bans a token. First in the chain, as in llama.cpp. */
record LogitBias(Map<Integer, Float> bias) implements Stage {
    @Override
    public void apply(Candidates c, TokenHistory history) {
        for (Map.Entry<Integer, Float> e : bias.entrySet()) {
            if (c.identity && e.getKey() >= c.size) {
                throw new IllegalArgumentException("logit bias names token " + e.getKey()
                        + " but the vocabulary has " + c.size + " tokens");
            }
            int i = c.indexOf(e.getKey());
            if (i >= 0) {
                c.logits[i] += e.getValue();
            }
        }
    }
}
