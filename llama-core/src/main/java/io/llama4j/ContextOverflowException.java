package io.llama4j;

/**
 * The prompt plus the tokens to generate do not fit in the session's context window.
 *
 * <pre>{@code
 * try {
 *     session.generate(longPrompt, options);
 * } catch (ContextOverflowException e) {
 *     session.reset();      // or open the session with a larger SessionOptions.withContextLength(...)
 * }
 * }</pre>
 */
public class ContextOverflowException extends LlamaException {
    public ContextOverflowException(String message) {
        super(message);
    }
}
