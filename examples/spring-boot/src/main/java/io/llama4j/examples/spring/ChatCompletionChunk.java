package io.llama4j.examples.spring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * OpenAI's {@code chat.completion.chunk}: one {@code data:} event of a streamed chat completion. The first
 * carries the role, the following ones pieces of content, the last an empty delta with the finish reason;
 * with {@code include_usage}, one more with no choice and the token counts.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices,
                           @JsonInclude(JsonInclude.Include.NON_NULL) ChatCompletion.Usage usage) {

    static ChatCompletionChunk of(String id, long created, String model, Delta delta, String finishReason) {
        return new ChatCompletionChunk(id, "chat.completion.chunk", created, model,
                List.of(new Choice(0, delta, finishReason)), null);
    }

    static ChatCompletionChunk usage(String id, long created, String model, ChatCompletion.Usage usage) {
        return new ChatCompletionChunk(id, "chat.completion.chunk", created, model, List.of(), usage);
    }

    /** {@code finish_reason} is written as null until the last chunk, as OpenAI does. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Choice(int index, Delta delta, String finishReason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Delta(String role, String content, List<ToolCallDelta> toolCalls) {
        Delta(String role, String content) {
            this(role, content, null);
        }
    }

    /** A tool call in a streamed delta: OpenAI's tool call with the position it has in the message. */
    record ToolCallDelta(int index, String id, String type, ChatCompletion.Function function) {
    }
}
