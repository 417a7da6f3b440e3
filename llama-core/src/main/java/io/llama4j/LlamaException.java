package io.llama4j;

/**
 * Base of every error llama4j reports: catch this to handle all of them.
 *
 * <pre>{@code
 * try (LlamaModel model = LlamaModel.load(path); Session session = model.newSession()) {
 *     System.out.println(session.generate("Hello", GenerationOptions.defaults()));
 * } catch (LlamaException e) {
 *     System.err.println("llama4j: " + e.getMessage());   // says what went wrong and where
 * }
 * }</pre>
 */
public class LlamaException extends RuntimeException {
    public LlamaException(String message) {
        super(message);
    }

    public LlamaException(String message, Throwable cause) {
        super(message, cause);
    }
}
