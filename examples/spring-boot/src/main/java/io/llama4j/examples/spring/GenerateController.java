package io.llama4j.examples.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llama4j.Generation;
import io.llama4j.GenerationOptions;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Plain completion: {@code POST /generate} answers with the whole {@link GenerateResponse};
 * {@code POST /generate/stream} sends Server-Sent Events, a {@code token} event {@code {"text": piece}} per
 * piece of text and a last {@code done} event holding the {@link GenerateResponse}.
 */
@RestController
class GenerateController {
    private final Sessions sessions;
    private final ObjectMapper json;

    GenerateController(Sessions sessions, ObjectMapper json) {
        this.sessions = sessions;
        this.json = json;
    }

    @PostMapping("/generate")
    GenerateResponse generate(@RequestBody GenerateRequest request) {
        Prepared prepared = prepare(request);
        return sessions.use(session ->
                GenerateResponse.of(session.generate(prepared.promptIds(), prepared.options(), piece -> { })));
    }

    @PostMapping("/generate/stream")
    ResponseEntity<StreamingResponseBody> stream(@RequestBody GenerateRequest request) {
        // Checked before the response starts, so that a bad request is still answered with a 400.
        Prepared prepared = prepare(request);
        StreamingResponseBody body = out -> {
            EventStream events = new EventStream(out, json);
            Generation g = sessions.use(session -> session.generate(prepared.promptIds(), prepared.options(),
                    piece -> events.send("token", Map.of("text", piece))));
            events.send("done", GenerateResponse.of(g));
        };
        return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(body);
    }

    private record Prepared(int[] promptIds, GenerationOptions options) {
    }

    private Prepared prepare(GenerateRequest request) {
        if ((request.prompt() == null) == (request.promptIds() == null)) {
            throw new IllegalArgumentException("give exactly one of \"prompt\" and \"prompt_ids\"");
        }
        int[] ids = request.prompt() != null ? sessions.model().tokenizePrompt(request.prompt()) : request.promptIds();
        if (ids.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        int vocabulary = sessions.model().spec().vocabularySize();
        for (int id : ids) {
            if (id < 0 || id >= vocabulary) {
                throw new IllegalArgumentException("prompt_ids: " + id + " is not a token id (vocabulary of " + vocabulary + ")");
            }
        }
        return new Prepared(ids, request.settings().toOptions(sessions.model()));
    }
}
