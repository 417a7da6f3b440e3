package io.llama4j.kernel;

import io.llama4j.spi.Executor;
import io.llama4j.spi.ExecutorOptions;
import io.llama4j.spi.ExecutorProvider;
import io.llama4j.spi.ModelSource;

/**
 * Provider {@code java}: the built-in pure-Java kernel, the fallback for every model with readable weights.
 *
 * <pre>{@code
 * // Chosen by default; name it to rule out other executors:
 * LlamaModel model = LlamaModel.load(Path.of("model.gguf"), LoadOptions.defaults().withExecutor("java"));
 * // Or directly over an opened model, as tests do:
 * try (Executor executor = new JavaExecutorProvider().open(opened.source(), new ExecutorOptions(4))) {
 *     InferenceState state = executor.newState(512);
 * }
 * }</pre>
 */
public final class JavaExecutorProvider implements ExecutorProvider {
    @Override
    public String name() {
        return "java";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public boolean supports(ModelSource model) {
        return model.weights() != null;
    }

    @Override
    public Executor open(ModelSource model, ExecutorOptions options) {
        return new LlamaExecutor(model, options.threads());
    }
}
