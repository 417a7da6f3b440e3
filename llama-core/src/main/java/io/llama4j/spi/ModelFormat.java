package io.llama4j.spi;

import java.nio.file.Path;

/**
 * Reads one kind of model location (a GGUF file, a HuggingFace folder, an ONNX folder, ...), found with
 * {@link java.util.ServiceLoader}. Register an implementation in
 * {@code META-INF/services/io.llama4j.spi.ModelFormat}. {@code LlamaModel.load} asks the formats in
 * descending {@link #priority()} and opens the location with the first that accepts it.
 *
 * <pre>{@code
 * // An implementer, listed in module-info.java as `provides io.llama4j.spi.ModelFormat with my.NpzFormat;`
 * // (and in META-INF/services/io.llama4j.spi.ModelFormat for the class path):
 * public final class NpzFormat implements ModelFormat {
 *     public String name() { return "npz"; }
 *     public int priority() { return 10; }
 *     public boolean accepts(Path location) { return location.toString().endsWith(".npz"); }
 *     public OpenedModel open(Path location) { return NpzReader.read(location); }
 * }
 * // LlamaModel.load(Path.of("weights.npz")) then opens such files with it.
 * }</pre>
 */
public interface ModelFormat {
    /** A short name for messages, e.g. {@code gguf}. */
    String name();

    /** Formats with a higher priority are asked first; a catch-all for plain files should be lowest. */
    int priority();

    /** A cheap check of whether this format reads {@code location} (file name, magic bytes, folder contents). */
    boolean accepts(Path location);

    /**
     * Opens and validates the model.
     *
     * @throws io.llama4j.ModelFormatException      if it is corrupt or truncated
     * @throws io.llama4j.UnsupportedModelException if it is well-formed but not something llama4j can run
     */
    OpenedModel open(Path location);
}
