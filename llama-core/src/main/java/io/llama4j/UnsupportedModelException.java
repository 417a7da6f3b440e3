package io.llama4j;

import java.nio.file.Path;

/**
 * A well-formed model file that llama4j cannot run: another architecture, a tensor type without a kernel,
 * a shape the Llama forward pass does not support.
 */
public class UnsupportedModelException extends ModelFormatException {
    public UnsupportedModelException(Path file, String problem) {
        super(file, problem);
    }
}
