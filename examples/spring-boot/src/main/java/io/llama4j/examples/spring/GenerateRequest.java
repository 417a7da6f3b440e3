package io.llama4j.examples.spring;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The body of {@code POST /generate} and {@code POST /generate/stream}: a text {@code prompt} (tokenized as
 * llama.cpp does, begin-of-text first) or {@code prompt_ids} used exactly as given, and optional sampling
 * fields; {@code "temperature": 0} is greedy.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record GenerateRequest(String prompt, int[] promptIds, Integer maxTokens, Float temperature, Integer topK,
                       Float topP, Float minP, Float repeatPenalty, Long seed,
                       @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> stop) {

    GenerationSettings settings() {
        return new GenerationSettings(maxTokens, temperature, topK, topP, minP, repeatPenalty, null, null, seed, stop);
    }
}
