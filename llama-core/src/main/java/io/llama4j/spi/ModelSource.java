package io.llama4j.spi;

import java.nio.file.Path;

/**
 * A model as a format reader delivers it to an executor: where it came from, in which format, what it is,
 * and its weights as views over mapped memory (null for formats whose executor reads the files itself, such
 * as an ONNX folder). The reader owns the mapping; executors must not use the weights after the model is
 * closed.
 *
 * <pre>{@code
 * // In an ExecutorProvider:
 * public Executor open(ModelSource model, ExecutorOptions options) {
 *     ModelSpec spec = model.spec();
 *     Tensor wq = model.weights().find("blk.0.attn_q.weight").orElseThrow();
 *     return new MyExecutor(spec, model.weights(), options.threads());
 * }
 * }</pre>
 *
 * @param format the {@link ModelFormat#name()} that read it
 */
public record ModelSource(Path location, String format, ModelSpec spec, ModelWeights weights) {
}
