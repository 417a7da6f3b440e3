package io.llama4j.examples.spring;

import com.fasterxml.jackson.databind.JsonNode;
import io.llama4j.tokenizer.AssistantReply;
import io.llama4j.tokenizer.ChatFormat;
import io.llama4j.tokenizer.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * OpenAI's {@code tools} as Llama 3.1 custom tools, and the model's tool call as OpenAI's {@code tool_calls}.
 * The definitions go into the prompt as the Llama 3.1 template puts custom tools (JSON, in the first user
 * message); a reply that is a JSON function call becomes a {@code tool_calls} entry whose {@code arguments}
 * is JSON text, as OpenAI clients expect.
 */
final class OpenAiTools {
    private OpenAiTools() {
    }

    /** Whether the model sees the tools: there are some and {@code tool_choice} is not {@code "none"}. */
    static boolean offered(List<JsonNode> tools, JsonNode toolChoice) {
        return tools != null && !tools.isEmpty() && !(toolChoice != null && "none".equals(toolChoice.asText()));
    }

    /**
     * The chat format for a request: Llama 3.1's, with the request's tools when they are {@link #offered}.
     * ({@code "required"} and a named tool offer them too; {@link ForcedToolCall} then makes the reply a call.)
     *
     * @throws IllegalArgumentException for a tool that is not {@code {"type": "function", "function": {"name", ...}}}
     */
    static ChatFormat chatFormat(List<JsonNode> tools, JsonNode toolChoice) {
        if (!offered(tools, toolChoice)) {
            return ChatFormat.llama31();
        }
        List<ToolDefinition> definitions = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            if (!"function".equals(tool.path("type").asText()) || !tool.path("function").path("name").isTextual()) {
                throw new IllegalArgumentException("tools[" + i + "]: expected {\"type\": \"function\", \"function\": "
                        + "{\"name\": ..., \"parameters\": {...}}}");
            }
            definitions.add(ToolDefinition.ofJson(tool.toString()));
        }
        return ChatFormat.llama31().withTools(definitions);
    }

    /** The reply as OpenAI's {@code tool_calls}, or null when it is text. */
    static List<ChatCompletion.ToolCall> toolCalls(AssistantReply reply) {
        if (!(reply instanceof AssistantReply.ToolCallReply call)) {
            return null;
        }
        return List.of(new ChatCompletion.ToolCall("call_" + UUID.randomUUID().toString().replace("-", ""),
                "function", new ChatCompletion.Function(call.call().name(), call.call().argumentsJson())));
    }

    /** The text of a reply that is not a tool call. */
    static String text(AssistantReply reply) {
        return switch (reply) {
            case AssistantReply.Text text -> text.text();
            case AssistantReply.CodeInterpreterCall code -> code.code();
            case AssistantReply.ToolCallReply call -> null;
        };
    }
}
