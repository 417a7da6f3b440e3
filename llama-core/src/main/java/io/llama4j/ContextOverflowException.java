package io.llama4j;

/** The prompt plus the tokens to generate do not fit in the session's context window. */
public class ContextOverflowException extends LlamaException {
    public ContextOverflowException(String message) {
        super(message);
    }
}
