package io.llama4j.examples.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes Server-Sent Events to a response body, flushing each one so that the client sees every piece of
 * text as soon as the model makes it. Written by hand rather than with Spring's {@code SseEmitter} to
 * produce exactly OpenAI's framing ({@code data: {...}}, a space after the colon, {@code data: [DONE]}),
 * which some clients parse literally.
 */
final class EventStream {
    private final OutputStream body;
    private final ObjectMapper json;

    EventStream(OutputStream body, ObjectMapper json) {
        this.body = body;
        this.json = json;
    }

    /** An unnamed event whose data is {@code value} as JSON. */
    void send(Object value) {
        send(null, value);
    }

    /** An event named {@code name} (null for none) whose data is {@code value} as JSON (one line). */
    void send(String name, Object value) {
        try {
            sendRaw(name, json.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An event whose data is {@code data} as it is; it must hold no line break. A client that went away
     * surfaces here as an {@link UncheckedIOException}, which ends the generation writing to it.
     */
    void sendRaw(String name, String data) {
        StringBuilder event = new StringBuilder();
        if (name != null) {
            event.append("event: ").append(name).append('\n');
        }
        event.append("data: ").append(data).append("\n\n");
        try {
            body.write(event.toString().getBytes(StandardCharsets.UTF_8));
            body.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
