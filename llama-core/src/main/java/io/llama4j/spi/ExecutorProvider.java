package io.llama4j.spi;

/**
 * A way to run a model (the pure-Java kernel, ONNX Runtime, ...), found with {@link java.util.ServiceLoader}.
 * Register an implementation in {@code META-INF/services/io.llama4j.spi.ExecutorProvider}.
 */
public interface ExecutorProvider {
    /** The name users select it by, e.g. {@code java} or {@code onnx}. */
    String name();

    /** Among providers that support a model, the one with the highest priority is chosen by default. */
    int priority();

    /** Whether this provider can run the model. */
    boolean supports(ModelSource model);

    /** Prepares the model for execution. The executor shares, but does not own, the model's weights. */
    Executor open(ModelSource model, ExecutorOptions options);
}
