package io.llama4j.springai;

import io.llama4j.tokenizer.AssistantReply;
import io.llama4j.tokenizer.ToolDefinition;
import java.util.List;
import java.util.UUID;
import org.springframework.ai.chat.messages.AssistantMessage;

/**
 * Spring AI's tool definitions as the Llama 3.1 chat format's custom tools, and the model's reply back as an
 * {@link AssistantMessage}: a JSON function call becomes an {@link AssistantMessage.ToolCall} (arguments as
 * JSON text, as Spring AI's {@code ToolCallingManager} reads them), anything else its text.
 */
final class SpringAiTools {
    private SpringAiTools() {
    }

    /** {@code {"type": "function", "function": {name, description, parameters}}}, the schema kept as written. */
    static List<ToolDefinition> definitions(List<org.springframework.ai.tool.definition.ToolDefinition> tools) {
        return tools.stream().map(t -> ToolDefinition.function(t.name(), t.description(), t.inputSchema())).toList();
    }

    /** The reply; a call only counts as one when tools were offered (otherwise the JSON is the answer's text). */
    static AssistantMessage message(AssistantReply reply, String rawText, boolean toolsOffered) {
        if (toolsOffered && reply instanceof AssistantReply.ToolCallReply call) {
            String id = "call_" + UUID.randomUUID().toString().replace("-", "");
            return AssistantMessage.builder().content("").toolCalls(List.of(new AssistantMessage.ToolCall(id,
                    "function", call.call().name(), call.call().argumentsJson()))).build();
        }
        return new AssistantMessage(toolsOffered && reply instanceof AssistantReply.Text text ? text.text() : rawText);
    }
}
