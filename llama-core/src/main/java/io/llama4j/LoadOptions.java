package io.llama4j;

/**
 * How to load a model.
 *
 * @param executor the executor provider's name ({@code java}, {@code onnx}), or null to pick the best one
 *                 that supports the model
 * @param threads  worker threads for the forward pass
 */
public record LoadOptions(String executor, int threads) {
    public LoadOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** Automatic executor, one thread per available processor. */
    public static LoadOptions defaults() {
        return new LoadOptions(null, Runtime.getRuntime().availableProcessors());
    }

    public LoadOptions withExecutor(String executor) {
        return new LoadOptions(executor, threads);
    }

    public LoadOptions withThreads(int threads) {
        return new LoadOptions(executor, threads);
    }
}
