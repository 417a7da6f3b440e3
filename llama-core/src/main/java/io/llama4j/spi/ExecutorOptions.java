package io.llama4j.spi;

/**
 * Settings an executor is opened with.
 *
 * @param threads worker threads for the forward pass (at least 1)
 */
public record ExecutorOptions(int threads) {
    public ExecutorOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    public static ExecutorOptions defaults() {
        return new ExecutorOptions(Runtime.getRuntime().availableProcessors());
    }
}
