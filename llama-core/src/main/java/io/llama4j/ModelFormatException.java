package io.llama4j;

import java.nio.file.Path;

/**
 * A model file is corrupt or truncated: the message names the file, what was being read and where
 * (a byte offset, a metadata key or a tensor name).
 *
 * <pre>{@code
 * try {
 *     LlamaModel.load(Path.of("broken.gguf"));
 * } catch (ModelFormatException e) {
 *     System.err.println(e.file() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class ModelFormatException extends LlamaException {
    private final Path file;

    public ModelFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ModelFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that could not be read. */
    public Path file() {
        return file;
    }
}
