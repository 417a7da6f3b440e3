package io.llama4j.examples.spring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** OpenAI's {@code chat.completion} object: the non-streaming answer of {@code /v1/chat/completions}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    ChatCompletion(String id, long created, String model, Choice choice, Usage usage) {
        this(id, "chat.completion", created, model, List.of(choice), usage);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Choice(int index, Message message, String finishReason) {
    }

    /** {@code content} is null (written as null) when the reply is {@code tool_calls}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Message(String role, String content, @JsonInclude(JsonInclude.Include.NON_NULL) List<ToolCall> toolCalls) {
    }

    /** One call of a function tool; {@code arguments} is JSON text, as OpenAI sends it. */
    record ToolCall(String id, String type, Function function) {
    }

    record Function(String name, String arguments) {
    }

    /** Token counts; {@code completion_tokens} includes the end-of-turn token the model generated. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Usage(int promptTokens, int completionTokens, int totalTokens) {
        Usage(int promptTokens, int completionTokens) {
            this(promptTokens, completionTokens, promptTokens + completionTokens);
        }
    }
}
