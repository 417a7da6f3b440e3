package io.llama4j.spi;

import io.llama4j.KvCacheType;
import io.llama4j.LlamaException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One sequence being evaluated: the KV cache and the position reached. Not thread-safe.
 *
 * <p>Copying ({@link #copy}) and serializing ({@link #writeKv}, {@link #readKv}) the cache are optional: an
 * executor that does not offer them keeps the defaults, which throw a {@link LlamaException} saying so; the
 * session features built on them (fork, prefix reuse, snapshots) then fail with that message.
 *
 * <pre>{@code
 * try (InferenceState state = executor.newState(512)) {
 *     int[] prompt = tokenizer.encode("The capital of France is", false);
 *     float[] logits = state.forward(prompt, 0);                        // one batch: the logits of the last token
 *     int next = argmax(logits);
 *     logits = state.forward(new int[] {next}, prompt.length);         // one decode step
 * }
 * }</pre>
 */
public interface InferenceState extends AutoCloseable {
    /**
     * Evaluates {@code tokens} at positions {@code position ..< position + tokens.length} as one batch
     * and returns the logits of the last one (a fresh array of vocabulary size). Positions at and after
     * {@code position} in the cache are overwritten.
     */
    float[] forward(int[] tokens, int position);

    /**
     * As {@link #forward(int[], int)}, but writes the logits into {@code logits} (at least vocabulary size)
     * instead of a fresh array: a decode loop that keeps one array then allocates nothing per step on an
     * executor that overrides this (the pure-Java one does). By default it copies {@code forward}'s result.
     */
    default void forwardInto(int[] tokens, int position, float[] logits) {
        float[] fresh = forward(tokens, position);
        System.arraycopy(fresh, 0, logits, 0, fresh.length);
    }

    /** The most positions this state can hold. */
    int contextLength();

    /** How the cache stores keys and values. */
    default KvCacheType kvCacheType() {
        return KvCacheType.F32;
    }

    /**
     * A new, independent state with the same context length and cache type, holding a copy of positions
     * {@code 0 ..< positions} of this one.
     */
    default InferenceState copy(int positions) {
        throw new LlamaException(getClass().getSimpleName() + " cannot copy its KV cache");
    }

    /**
     * Writes the keys and values of positions {@code 0 ..< positions}; {@link #readKv} on a state of the same
     * model and cache type reads them back. The layout is the executor's.
     */
    default void writeKv(int positions, DataOutput out) throws IOException {
        throw new LlamaException(getClass().getSimpleName() + " cannot save its KV cache");
    }

    /** Replaces positions {@code 0 ..< positions} with what {@link #writeKv} wrote. */
    default void readKv(int positions, DataInput in) throws IOException {
        throw new LlamaException(getClass().getSimpleName() + " cannot restore its KV cache");
    }

    @Override
    void close();
}
