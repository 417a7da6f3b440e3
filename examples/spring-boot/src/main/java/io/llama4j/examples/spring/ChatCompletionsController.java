package io.llama4j.examples.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llama4j.GenerationOptions;
import io.llama4j.Session;
import io.llama4j.StopReason;
import io.llama4j.tokenizer.ChatFormat;
import io.llama4j.tokenizer.ChatMessage;
import io.llama4j.tokenizer.LlamaTokenizer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * OpenAI's {@code POST /v1/chat/completions}, so that OpenAI clients (their SDKs, LangChain, curl scripts)
 * work against a local Llama model by changing only the base URL. The messages are rendered with the Llama
 * 3.1 chat template; {@code "stream": true} answers with {@code data:} chunks ending in {@code data: [DONE]}.
 * Every request is a conversation of its own: its history is the messages it sends. {@code tools} are
 * offered as Llama 3.1 custom tools; a reply that calls one is answered as {@code tool_calls} with
 * {@code finish_reason: "tool_calls"}, and the client sends the result back as a {@code tool} message.
 * {@code tool_choice} is enforced: {@code "none"} withholds the tools and never answers with a call,
 * {@code "required"} or a named function makes the reply a call ({@link ForcedToolCall}).
 */
@RestController
class ChatCompletionsController {
    private final Sessions sessions;
    private final ObjectMapper json;
    private final String modelName;

    ChatCompletionsController(Sessions sessions, ObjectMapper json, LlamaProperties properties) {
        this.sessions = sessions;
        this.json = json;
        this.modelName = ModelName.of(properties);
    }

    // One return type for both answers: Spring picks the streaming handler by the declared body type.
    @PostMapping("/v1/chat/completions")
    ResponseEntity<StreamingResponseBody> complete(@RequestBody ChatCompletionRequest request)
            throws JsonProcessingException {
        // Everything that can be refused is checked here, while a 400 can still be sent.
        if (request.n() != null && request.n() != 1) {
            throw new IllegalArgumentException("only n = 1 is supported");
        }
        List<ChatMessage> messages = OpenAiMessages.toChat(request.messages());
        ChatFormat format = OpenAiTools.chatFormat(request.tools(), request.toolChoice());
        boolean tools = OpenAiTools.offered(request.tools(), request.toolChoice());
        ForcedToolCall forced = ForcedToolCall.of(request.tools(), request.toolChoice());
        GenerationOptions options = request.settings().toOptions(sessions.model());
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = Instant.now().getEpochSecond();
        if (request.stream()) {
            StreamingResponseBody body = out -> stream(new EventStream(out, json), id, created, format, tools, forced,
                    messages, options, request.includeUsage());
            return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(body);
        }
        Answer answer = sessions.use(session -> answer(session, format, forced, messages, options, piece -> { }));
        List<ChatCompletion.ToolCall> calls = tools ? OpenAiTools.toolCalls(answer.reply()) : null;
        ChatCompletion.Message message = calls != null
                ? new ChatCompletion.Message("assistant", null, calls)
                : new ChatCompletion.Message("assistant", tools ? OpenAiTools.text(answer.reply()) : answer.text(), null);
        ChatCompletion.Choice choice = new ChatCompletion.Choice(0, message,
                calls != null ? "tool_calls" : finishReason(answer.stopReason()));
        byte[] completion = json.writeValueAsBytes(new ChatCompletion(id, created, modelName, choice, usage(answer)));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out -> out.write(completion));
    }

    /**
     * With tools offered, whether the reply is a call is known only at its end, so it is sent whole: one
     * {@code tool_calls} delta, or one content delta. Without tools every piece is sent as it is made.
     */
    private void stream(EventStream events, String id, long created, ChatFormat format, boolean tools,
                        ForcedToolCall forced, List<ChatMessage> messages, GenerationOptions options,
                        boolean includeUsage) {
        events.send(ChatCompletionChunk.of(id, created, modelName, new ChatCompletionChunk.Delta("assistant", ""), null));
        Answer answer = sessions.use(session -> answer(session, format, forced, messages, options, tools ? piece -> { }
                : piece -> events.send(ChatCompletionChunk.of(id, created, modelName,
                        new ChatCompletionChunk.Delta(null, piece), null))));
        String finish = finishReason(answer.stopReason());
        if (tools) {
            List<ChatCompletion.ToolCall> calls = OpenAiTools.toolCalls(answer.reply());
            if (calls != null) {
                ChatCompletion.ToolCall call = calls.getFirst();
                events.send(ChatCompletionChunk.of(id, created, modelName, new ChatCompletionChunk.Delta(null, null,
                        List.of(new ChatCompletionChunk.ToolCallDelta(0, call.id(), call.type(), call.function()))), null));
                finish = "tool_calls";
            } else {
                events.send(ChatCompletionChunk.of(id, created, modelName,
                        new ChatCompletionChunk.Delta(null, OpenAiTools.text(answer.reply())), null));
            }
        }
        events.send(ChatCompletionChunk.of(id, created, modelName, new ChatCompletionChunk.Delta(null, null), finish));
        if (includeUsage) {
            events.send(ChatCompletionChunk.usage(id, created, modelName, usage(answer)));
        }
        events.sendRaw(null, "[DONE]");
    }

    /** The reply generated freely in the chat format, or made a call when {@code tool_choice} forces one. */
    private Answer answer(Session session, ChatFormat format, ForcedToolCall forced, List<ChatMessage> messages,
                                 GenerationOptions options, Consumer<String> pieces) {
        if (forced == null) {
            return Answer.of(session.chatFormat(format).chat(messages, options, pieces));
        }
        LlamaTokenizer tokenizer = sessions.model().tokenizer();
        return forced.generate(session, tokenizer, format.encode(tokenizer, messages, true), options);
    }

    /** OpenAI's two reasons: "length" when a limit cut the answer short, "stop" when it ended by itself. */
    static String finishReason(StopReason reason) {
        return switch (reason) {
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            case END_OF_GENERATION, STOP_TOKEN, STOP_STRING, CANCELLED -> "stop";
        };
    }

    private static ChatCompletion.Usage usage(Answer answer) {
        return new ChatCompletion.Usage(answer.promptTokens(), answer.completionTokens());
    }
}
