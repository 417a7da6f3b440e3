package io.llama4j.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Settings an executor is opened with.
 *
 * <pre>{@code
 * ExecutorOptions options = new ExecutorOptions(8, Map.of("onnx.provider", "cpu"));
 * // In a provider's open(source, options):
 * String device = options.setting("onnx.provider").orElse("auto");
 * int threads = options.threads();
 * }</pre>
 *
 * @param threads  worker threads for the forward pass (at least 1)
 * @param settings executor-specific settings by key, from {@code LoadOptions.executorSettings}; a provider
 *                 reads the keys it documents and ignores the rest
 */
public record ExecutorOptions(int threads, Map<String, String> settings) {
    public ExecutorOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        settings = Map.copyOf(settings);
    }

    public ExecutorOptions(int threads) {
        this(threads, Map.of());
    }

    public static ExecutorOptions defaults() {
        return new ExecutorOptions(Runtime.getRuntime().availableProcessors());
    }

    /** The setting named {@code key}, if given. */
    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key));
    }
}
