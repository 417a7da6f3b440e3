package io.llama4j;

/** Base of every error llama4j reports: catch this to handle all of them. */
public class LlamaException extends RuntimeException {
    public LlamaException(String message) {
        super(message);
    }

    public LlamaException(String message, Throwable cause) {
        super(message, cause);
    }
}
