package io.llama4j;

/**
 * The model was closed: by {@link LlamaModel#close()} before this call, or while this session was
 * generating on another thread. The session cannot continue; the model must be loaded again.
 *
 * <pre>{@code
 * LlamaModel model = LlamaModel.load(path);
 * Session session = model.newSession();
 * model.close();
 * session.generate("Hi", GenerationOptions.defaults());   // throws ModelClosedException
 * }</pre>
 */
public class ModelClosedException extends LlamaException {
    public ModelClosedException(String message) {
        super(message);
    }

    public ModelClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
