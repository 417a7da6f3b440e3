package io.llama4j.examples.spring;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The body of OpenAI's {@code POST /v1/chat/completions}, the fields this service honours. Others that
 * OpenAI clients send ({@code user}, {@code logprobs}, ...) are ignored rather than refused, so that
 * existing clients work unchanged. {@code top_k} and {@code min_p} are llama.cpp-server extensions.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ChatCompletionRequest(String model, List<Message> messages, Integer maxTokens, Integer maxCompletionTokens,
                             Float temperature, Float topP, Integer topK, Float minP, Float frequencyPenalty,
                             Float presencePenalty, Long seed,
                             @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> stop,
                             Integer n, boolean stream, StreamOptions streamOptions, List<JsonNode> tools,
                             JsonNode toolChoice) {

    /**
     * One message; {@code content} is a string or, as newer clients send it, an array of parts of which
     * the {@code text} ones are read. An assistant message may carry the {@code tool_calls} it made, a
     * {@code tool} message answers one ({@code tool_call_id}).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Message(String role, JsonNode content, List<ChatCompletion.ToolCall> toolCalls, String toolCallId) {
        Message(String role, JsonNode content) {
            this(role, content, null, null);
        }
    }

    /** {@code include_usage}: send a last chunk with the token counts before {@code [DONE]}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StreamOptions(boolean includeUsage) {
    }

    GenerationSettings settings() {
        // max_completion_tokens replaced max_tokens in OpenAI's API; clients send either.
        Integer limit = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        return new GenerationSettings(limit, temperature, topK, topP, minP, null, frequencyPenalty, presencePenalty,
                seed, stop);
    }

    boolean includeUsage() {
        return streamOptions != null && streamOptions.includeUsage();
    }
}
