package io.llama4j;

import java.nio.file.Path;

/**
 * A well-formed model file that llama4j cannot run: another architecture, a tensor type without a kernel,
 * a shape the Llama forward pass does not support.
 *
 * <pre>{@code
 * try {
 *     LlamaModel.load(Path.of("mistral.gguf"));
 * } catch (UnsupportedModelException e) {
 *     System.err.println(e.getMessage());   // names the architecture or tensor type that has no kernel
 * }
 * }</pre>
 */
public class UnsupportedModelException extends ModelFormatException {
    public UnsupportedModelException(Path file, String problem) {
        super(file, problem);
    }
}
