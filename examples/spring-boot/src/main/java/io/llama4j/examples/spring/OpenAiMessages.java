package io.llama4j.examples.spring;

import com.fasterxml.jackson.databind.JsonNode;
import io.llama4j.tokenizer.ChatMessage;
import io.llama4j.tokenizer.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** OpenAI's chat messages as Llama 3.1 chat messages, refusing what the Llama format cannot express. */
final class OpenAiMessages {
    private OpenAiMessages() {
    }

    /** @throws IllegalArgumentException for no messages, an unknown role or content that is not text */
    static List<ChatMessage> toChat(List<ChatCompletionRequest.Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("\"messages\" must hold at least one message");
        }
        List<ChatMessage> chat = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ChatCompletionRequest.Message m = messages.get(i);
            String role = m.role() == null ? "" : m.role().toLowerCase(Locale.ROOT);
            if (role.equals("assistant") && m.toolCalls() != null && !m.toolCalls().isEmpty()) {
                // Llama 3.1 makes one call per turn: several calls become consecutive turns.
                for (int c = 0; c < m.toolCalls().size(); c++) {
                    chat.add(ChatMessage.toolCall(toolCall(m.toolCalls().get(c), i, c)));
                }
                continue;
            }
            String text = text(m.content(), i);
            chat.add(switch (role) {
                // "developer" is what OpenAI's newer models call the system role.
                case "system", "developer" -> ChatMessage.system(text);
                case "user" -> ChatMessage.user(text);
                case "assistant" -> ChatMessage.assistant(text);
                case "tool" -> ChatMessage.toolResult(text);
                default -> throw new IllegalArgumentException("messages[" + i + "]: unknown role \"" + m.role()
                        + "\" (system, developer, user, assistant, tool)");
            });
        }
        return chat;
    }

    private static ToolCall toolCall(ChatCompletion.ToolCall call, int message, int index) {
        String where = "messages[" + message + "].tool_calls[" + index + "]";
        if (call == null || call.function() == null || call.function().name() == null) {
            throw new IllegalArgumentException(where + ": needs function.name");
        }
        String arguments = call.function().arguments();
        try {
            return ToolCall.ofJson(call.function().name(), arguments == null || arguments.isBlank() ? "{}" : arguments);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": function.arguments is not a JSON object: " + e.getMessage());
        }
    }

    private static String text(JsonNode content, int index) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw new IllegalArgumentException("messages[" + index + "]: only text content parts are supported");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw new IllegalArgumentException("messages[" + index + "]: content must be a string or an array of text parts");
    }
}
