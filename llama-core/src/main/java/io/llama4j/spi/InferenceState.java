package io.llama4j.spi;

/** One sequence being evaluated: the KV cache and the position reached. Not thread-safe. */
public interface InferenceState extends AutoCloseable {
    /**
     * Evaluates {@code tokens} at positions {@code position ..< position + tokens.length} as one batch
     * and returns the logits of the last one (a fresh array of vocabulary size). Positions at and after
     * {@code position} in the cache are overwritten.
     */
    float[] forward(int[] tokens, int position);

    /** The most positions this state can hold. */
    int contextLength();

    @Override
    void close();
}
