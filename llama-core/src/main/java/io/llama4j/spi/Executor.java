package io.llama4j.spi;

import io.llama4j.KvCacheType;
import io.llama4j.LlamaException;

/**
 * A model ready to run. Thread-safe: many {@link InferenceState}s may run on it at once.
 *
 * <pre>{@code
 * ExecutorProvider provider = ...;                 // found with ServiceLoader
 * try (Executor executor = provider.open(source, ExecutorOptions.defaults())) {
 *     InferenceState a = executor.newState(2048);   // states may run on different threads at once
 *     InferenceState b = executor.newState(2048, KvCacheType.F16);
 * }
 * }</pre>
 */
public interface Executor extends AutoCloseable {
    ModelSpec spec();

    /** A fresh sequence state (its own KV cache) holding at most {@code contextLength} positions. */
    InferenceState newState(int contextLength);

    /**
     * A fresh sequence state whose cache stores keys and values as {@code kvType}. The default offers only
     * {@link KvCacheType#F32} (what {@link #newState(int)} gives) and refuses the others with a message.
     */
    default InferenceState newState(int contextLength, KvCacheType kvType) {
        if (kvType != KvCacheType.F32) {
            throw new LlamaException("this executor keeps its KV cache in its own format and offers no "
                    + kvType + " cache; use KvCacheType.F32");
        }
        return newState(contextLength);
    }

    @Override
    void close();
}
