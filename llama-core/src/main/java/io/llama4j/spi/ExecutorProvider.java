package io.llama4j.spi;

/**
 * A way to run a model (the pure-Java kernel, ONNX Runtime, ...), found with {@link java.util.ServiceLoader}.
 * Register an implementation in {@code META-INF/services/io.llama4j.spi.ExecutorProvider}.
 *
 * <pre>{@code
 * // An implementer, listed in module-info.java as `provides io.llama4j.spi.ExecutorProvider with my.GpuProvider;`
 * // (and in META-INF/services/io.llama4j.spi.ExecutorProvider for the class path):
 * public final class GpuProvider implements ExecutorProvider {
 *     public String name() { return "gpu"; }
 *     public int priority() { return 20; }                        // above the Java kernel's
 *     public boolean supports(ModelSource model) { return model.weights() != null; }
 *     public Executor open(ModelSource model, ExecutorOptions options) { return new GpuExecutor(model, options); }
 * }
 * // A caller selects it by name:
 * LlamaModel model = LlamaModel.load(path, LoadOptions.defaults().withExecutor("gpu"));
 * }</pre>
 */
public interface ExecutorProvider {
    /** The name users select it by, e.g. {@code java} or {@code onnx}. */
    String name();

    /** Among providers that support a model, the one with the highest priority is chosen by default. */
    int priority();

    /** Whether this provider can run the model. */
    boolean supports(ModelSource model);

    /**
     * Whether this provider may be chosen for {@code model} when the caller names no executor. A provider that
     * can run a model only at a cost the caller should ask for (the {@code onnx} provider first builds a graph
     * from GGUF or safetensors weights) returns false, and is used only when named.
     */
    default boolean runsByDefault(ModelSource model) {
        return true;
    }

    /** Prepares the model for execution. The executor shares, but does not own, the model's weights. */
    Executor open(ModelSource model, ExecutorOptions options);
}
