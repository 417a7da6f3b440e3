package io.llama4j.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import io.llama4j.tokenizer.AssistantReply;
import io.llama4j.tokenizer.ToolCall;
import io.llama4j.tokenizer.ToolDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** LangChain4j's messages and tool specifications as the Llama 3.1 chat format's, and a reply back. */
final class Lc4jMessages {
    private Lc4jMessages() {
    }

    static List<io.llama4j.tokenizer.ChatMessage> toLlama(List<ChatMessage> messages) {
        List<io.llama4j.tokenizer.ChatMessage> chat = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            switch (message) {
                case SystemMessage system -> chat.add(io.llama4j.tokenizer.ChatMessage.system(system.text()));
                case UserMessage user -> chat.add(io.llama4j.tokenizer.ChatMessage.user(text(user.contents())));
                case AiMessage ai when ai.hasToolExecutionRequests() -> {
                    // Llama 3.1 makes one call per turn: several calls become consecutive turns.
                    for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                        String arguments = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
                        chat.add(io.llama4j.tokenizer.ChatMessage.toolCall(ToolCall.ofJson(call.name(), arguments)));
                    }
                }
                case AiMessage ai -> chat.add(io.llama4j.tokenizer.ChatMessage.assistant(ai.text() == null ? "" : ai.text()));
                case ToolExecutionResultMessage result -> chat.add(io.llama4j.tokenizer.ChatMessage.toolResult(result.text()));
                default -> throw new UnsupportedFeatureException("llama4j: no Llama 3.1 message for " + message.type());
            }
        }
        return chat;
    }

    private static String text(List<Content> contents) {
        StringBuilder text = new StringBuilder();
        for (Content content : contents) {
            if (!(content instanceof TextContent t)) {
                throw new UnsupportedFeatureException("llama4j: Llama 3.x reads text only, not " + content.type());
            }
            text.append(t.text());
        }
        return text.toString();
    }

    /** A tool as the template prints it: {@code {"type": "function", "function": {name, description, parameters}}}. */
    static ToolDefinition definition(ToolSpecification spec) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", spec.name());
        if (spec.description() != null) {
            function.put("description", spec.description());
        }
        function.put("parameters", spec.parameters() != null ? JsonSchemaElementUtils.toMap(spec.parameters())
                : Map.of("type", "object", "properties", Map.of()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "function");
        json.put("function", function);
        return new ToolDefinition(json);
    }

    static List<ToolDefinition> definitions(List<ToolSpecification> specs) {
        return specs.stream().map(Lc4jMessages::definition).toList();
    }

    /** The model's reply; a tool call only counts as one when tools were offered. */
    static AiMessage toAiMessage(AssistantReply reply, String rawText, boolean toolsOffered, String callId) {
        if (toolsOffered && reply instanceof AssistantReply.ToolCallReply call) {
            return AiMessage.from(ToolExecutionRequest.builder()
                    .id(callId)
                    .name(call.call().name())
                    .arguments(call.call().argumentsJson())
                    .build());
        }
        return AiMessage.from(toolsOffered && reply instanceof AssistantReply.Text text ? text.text() : rawText);
    }
}
