package io.llama4j;

import java.util.Map;

/**
 * How to load a model.
 *
 * @param executor         the executor provider's name ({@code java}, {@code onnx}), or null to pick the best
 *                         one that supports the model
 * @param threads          worker threads for the forward pass
 * @param executorSettings settings only one executor understands, by key; each provider documents its keys
 *                         and ignores the others (e.g. {@code onnx.provider} = {@code auto|cuda|cpu} for
 *                         {@code onnx}). Empty by default.
 *
 * <pre>{@code
 * LoadOptions options = LoadOptions.defaults().withThreads(8).withExecutor("java");
 * try (LlamaModel model = LlamaModel.load(Path.of("model.gguf"), options)) { ... }
 * }</pre>
 */
public record LoadOptions(String executor, int threads, Map<String, String> executorSettings) {
    public LoadOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        executorSettings = Map.copyOf(executorSettings);
    }

    public LoadOptions(String executor, int threads) {
        this(executor, threads, Map.of());
    }

    /** Automatic executor, one thread per available processor. */
    public static LoadOptions defaults() {
        return new LoadOptions(null, Runtime.getRuntime().availableProcessors());
    }

    public LoadOptions withExecutor(String executor) {
        return new LoadOptions(executor, threads, executorSettings);
    }

    public LoadOptions withThreads(int threads) {
        return new LoadOptions(executor, threads, executorSettings);
    }

    /** These options with one executor setting added or replaced, e.g. {@code withExecutorSetting("onnx.provider", "cuda")}. */
    public LoadOptions withExecutorSetting(String key, String value) {
        var settings = new java.util.HashMap<>(executorSettings);
        settings.put(key, value);
        return new LoadOptions(executor, threads, settings);
    }
}
