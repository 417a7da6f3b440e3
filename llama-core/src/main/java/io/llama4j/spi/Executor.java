package io.llama4j.spi;

/** A model ready to run. Thread-safe: many {@link InferenceState}s may run on it at once. */
public interface Executor extends AutoCloseable {
    ModelSpec spec();

    /** A fresh sequence state (its own KV cache) holding at most {@code contextLength} positions. */
    InferenceState newState(int contextLength);

    @Override
    void close();
}
