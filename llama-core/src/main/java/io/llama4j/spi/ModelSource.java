package io.llama4j.spi;

import java.nio.file.Path;

/**
 * A model as a format reader delivers it to an executor: where it came from, what it is, and its weights
 * as views over mapped memory. The reader owns the mapping; executors must not use the weights after the
 * model is closed.
 */
public record ModelSource(Path location, ModelSpec spec, ModelWeights weights) {
}
