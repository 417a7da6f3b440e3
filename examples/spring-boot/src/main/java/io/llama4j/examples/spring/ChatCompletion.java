package io.llama4j.examples.spring;

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

    record Message(String role, String content) {
    }

    /** Token counts; {@code completion_tokens} includes the end-of-turn token the model generated. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Usage(int promptTokens, int completionTokens, int totalTokens) {
        Usage(int promptTokens, int completionTokens) {
            this(promptTokens, completionTokens, promptTokens + completionTokens);
        }
    }
}
