package io.llama4j;

/**
 * The tokens already in a session's context, oldest first: the prompt and what was generated so far.
 * Samplers read it to penalize repetition. A read-only view, valid only during the call it is passed to.
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
