package io.llama4j.tokenizer;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message of a conversation.
 *
 * <pre>{@code
 * List<ChatMessage> chat = List.of(
 *         ChatMessage.system("You are terse."),
 *         ChatMessage.user("Weather in Paris?"),
 *         ChatMessage.toolCall(ToolCall.of("get_weather", Map.of("city", "Paris"))),
 *         ChatMessage.toolResult("{\"temperature\": 21}"));
 * }</pre>
 */
public sealed interface ChatMessage permits ChatMessage.Text, ChatMessage.ToolCallRequest, ChatMessage.ToolResult {

    /**
     * Plain text from the system, the user or the assistant.
     *
     * <pre>{@code
     * ChatMessage question = ChatMessage.user("What is the capital of France?");   // a Text in the USER role
     * if (question instanceof ChatMessage.Text text) {
     *     System.out.println(text.role() + ": " + text.content());
     * }
     * }</pre>
     */
    record Text(Role role, String content) implements ChatMessage {
        public Text {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
            if (role == Role.IPYTHON) {
                throw new IllegalArgumentException("tool output is a ChatMessage.toolResult, not a text message");
            }
        }
    }

    /**
     * An earlier assistant turn that called a tool (Llama 3.1 supports one call per turn).
     *
     * <pre>{@code
     * ChatMessage call = ChatMessage.toolCall(ToolCall.of("get_weather", Map.of("city", "Paris")));
     * int[] prompt = ChatFormat.llama31().encode(tokenizer, List.of(ChatMessage.user("Weather?"), call), false);
     * }</pre>
     */
    record ToolCallRequest(ToolCall call) implements ChatMessage {
        public ToolCallRequest {
            Objects.requireNonNull(call, "call");
        }
    }

    /**
     * What a tool returned, sent back in the {@code ipython} role.
     *
     * <pre>{@code
     * ChatMessage text = ChatMessage.toolResult("21 degrees and sunny");
     * ChatMessage json = ChatMessage.toolResultJson(Map.of("temperature", 21, "sky", "sunny"));   // sent as JSON
     * }</pre>
     *
     * @param content a {@link String}, or a JSON value ({@link Map} or {@link List})
     */
    record ToolResult(Object content) implements ChatMessage {
        public ToolResult {
            if (!(content instanceof String || content instanceof Map || content instanceof List)) {
                throw new IllegalArgumentException("tool result must be a String, Map or List: " + content);
            }
        }
    }

    static ChatMessage system(String content) {
        return new Text(Role.SYSTEM, content);
    }

    static ChatMessage user(String content) {
        return new Text(Role.USER, content);
    }

    static ChatMessage assistant(String content) {
        return new Text(Role.ASSISTANT, content);
    }

    static ChatMessage toolCall(ToolCall call) {
        return new ToolCallRequest(call);
    }

    static ChatMessage toolResult(String content) {
        return new ToolResult(content);
    }

    /** A tool result given as a JSON value (a {@link Map} or {@link List}). */
    static ChatMessage toolResultJson(Object json) {
        return new ToolResult(json);
    }
}
