package io.llama4j.sampling;

import io.llama4j.TokenHistory;

/** One step of the chain: rewrites logits and/or drops candidates. */
interface Stage {
    void apply(Candidates candidates, TokenHistory history);
}
