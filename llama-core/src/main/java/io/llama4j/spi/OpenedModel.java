package io.llama4j.spi;

import io.llama4j.tokenizer.LlamaTokenizer;

/**
 * A model as a {@link ModelFormat} delivers it: the description and weights for executors, the tokenizer,
 * whether prompts get a begin-of-text token, what must be closed (mapped files) when the model is, and the
 * sampling settings its publisher recommends.
 *
 * <pre>{@code
 * // What a ModelFormat returns from open(location):
 * return new OpenedModel(new ModelSource(location, "npz", spec, weights), tokenizer, true, mappedFile::close);
 * // and what a caller of a format gets:
 * try (OpenedModel opened = new GgufFormat().open(path)) {
 *     int[] ids = opened.tokenizer().encode("Hello", false);
 * }
 * }</pre>
 */
public record OpenedModel(ModelSource source, LlamaTokenizer tokenizer, boolean addsBos, AutoCloseable resources,
                          GenerationDefaults generationDefaults)
        implements AutoCloseable {

    public OpenedModel {
        generationDefaults = generationDefaults == null ? GenerationDefaults.none() : generationDefaults;
    }

    /** A model whose format carries no sampling recommendations. */
    public OpenedModel(ModelSource source, LlamaTokenizer tokenizer, boolean addsBos, AutoCloseable resources) {
        this(source, tokenizer, addsBos, resources, GenerationDefaults.none());
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing " + source.location() + " failed", e);
        }
    }
}
