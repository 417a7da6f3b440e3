package io.llama4j.examples.spring;

import io.llama4j.LlamaModel;
import io.llama4j.Session;
import io.llama4j.SessionOptions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Gives each request a session of its own. A session is one conversation's KV cache and is used by one
 * thread at a time, so requests never share one: they run concurrently over the shared, thread-safe model,
 * and each session is closed (its cache freed) when its request ends.
 */
@Component
class Sessions {
    private final LlamaModel model;
    private final SessionOptions options;
    private final AtomicInteger inUse = new AtomicInteger();

    Sessions(LlamaModel model, LlamaProperties properties) {
        this.model = model;
        this.options = properties.contextLength() > 0
                ? SessionOptions.defaults().withContextLength(properties.contextLength())
                : SessionOptions.defaults();
    }

    /** Runs {@code work} on a new session and closes it afterwards, however {@code work} ends. */
    <T> T use(Function<Session, T> work) {
        inUse.incrementAndGet();
        try (Session session = model.newSession(options)) {
            return work.apply(session);
        } finally {
            inUse.decrementAndGet();
        }
    }

    /** How many requests are generating right now. */
    int inUse() {
        return inUse.get();
    }

    LlamaModel model() {
        return model;
    }
}
