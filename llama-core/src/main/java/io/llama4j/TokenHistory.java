package io.llama4j;

/**
 * The tokens already in a session's context, oldest first: the prompt and what was generated so far.
 * Samplers read it to penalize repetition. A read-only view, valid only during the call it is passed to.
 *
 * <pre>{@code
 * Sampler noRepeat = new Sampler() {
 *     public int sample(float[] logits, RandomGenerator random) { return sample(logits, TokenHistory.empty(), random); }
 *     public int sample(float[] logits, TokenHistory history, RandomGenerator random) {
 *         if (history.size() > 0) logits[history.get(history.size() - 1)] = Float.NEGATIVE_INFINITY;
 *         return ChainSampler.GREEDY.sample(logits, random);
 *     }
 * };
 * }</pre>
 */
public interface TokenHistory {
    /** How many tokens there are. */
    int size();

    /** The token at {@code index}, 0 being the oldest. */
    int get(int index);

    /** No tokens. */
    static TokenHistory empty() {
        return of();
    }

    /** A history holding a copy of {@code tokens}, oldest first. */
    static TokenHistory of(int... tokens) {
        int[] copy = tokens.clone();
        return new TokenHistory() {
            @Override
            public int size() {
                return copy.length;
            }

            @Override
            public int get(int index) {
                return copy[index];
            }
        };
    }
}
