package io.llama4j.spi;

import io.llama4j.tokenizer.LlamaTokenizer;

/**
 * A model as a {@link ModelFormat} delivers it: the description and weights for executors, the tokenizer,
 * whether prompts get a begin-of-text token, and what must be closed (mapped files) when the model is.
 */
public record OpenedModel(ModelSource source, LlamaTokenizer tokenizer, boolean addsBos, AutoCloseable resources)
        implements AutoCloseable {

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
