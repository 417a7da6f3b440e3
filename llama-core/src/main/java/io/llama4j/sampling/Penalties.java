package io.llama4j.sampling;

import io.llama4j.TokenHistory;
import java.util.HashMap;
import java.util.Map;

/**
 * llama.cpp's repetition penalties over the last {@code window} tokens of the context (all of it when
 * {@code window} is -1). For a token seen {@code c > 0} times there: the repeat penalty pushes its logit
 * towards "less likely" ({@code logit / r} when positive, {@code logit * r} otherwise), then
 * {@code logit -= c * frequency + presence}.
 */
record Penalties(int window, float repeat, float frequency, float presence) implements Stage {

    boolean isOff() {
        return window == 0 || (repeat == 1f && frequency == 0f && presence == 0f);
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        if (isOff()) {
            return;
        }
        int from = window < 0 ? 0 : Math.max(0, history.size() - window);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = from; i < history.size(); i++) {
            counts.merge(history.get(i), 1, Integer::sum);
        }
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            int i = c.indexOf(e.getKey());
            if (i < 0) {
                continue;
            }
            float logit = c.logits[i];
            logit = logit <= 0 ? logit * repeat : logit / repeat;
            logit -= e.getValue() * frequency + presence;
            c.logits[i] = logit;
        }
        // Logits changed, so an earlier sort no longer holds.
        c.sorted = false;
    }
}
