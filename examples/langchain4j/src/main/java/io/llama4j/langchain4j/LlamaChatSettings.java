package io.llama4j.langchain4j;

import io.llama4j.GenerationOptions;
import io.llama4j.sampling.ChainSampler;
import java.util.List;

/**
 * The defaults of {@link LlamaChatModel} and {@link LlamaStreamingChatModel}: sampling, the most tokens a reply
 * may have, and the context the conversation's session holds. A LangChain4j {@code ChatRequest} overrides them
 * field by field (temperature, top-p, top-k, frequency and presence penalties, max output tokens, stop sequences).
 *
 * <pre>{@code
 * LlamaChatSettings settings = LlamaChatSettings.builder().temperature(0.7).topP(0.9).maxTokens(256).seed(42).build();
 * ChatModel chat = new LlamaChatModel(model, settings);
 * }</pre>
 *
 * @param temperature      0 is greedy; null: the model's recommendation, else llama.cpp's 0.8
 * @param topP             null: the model's recommendation, else 0.95
 * @param topK             null: the model's recommendation, else 40
 * @param minP             null: 0.05
 * @param repeatPenalty    null: off
 * @param maxTokens        the most tokens a reply may have
 * @param seed             the sampler's seed (each call draws anew from it)
 * @param contextLength    tokens the conversation may hold; 0 sizes it from the heap
 * @param stopSequences    text that ends a reply (never included in it)
 */
public record LlamaChatSettings(Double temperature, Double topP, Integer topK, Double minP, Double repeatPenalty,
                                int maxTokens, long seed, int contextLength, List<String> stopSequences) {

    public LlamaChatSettings {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1: " + maxTokens);
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("contextLength must be >= 0: " + contextLength);
        }
        stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
    }

    /** The model's recommended sampling, 512 tokens a reply, a heap-sized context. */
    public static LlamaChatSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The options for one request: the request's values where it has them, these settings otherwise. */
    GenerationOptions options(io.llama4j.LlamaModel model, Double temperature, Double topP, Integer topK,
                              Double frequencyPenalty, Double presencePenalty, Integer maxOutputTokens,
                              List<String> stops) {
        ChainSampler.Builder sampler = ChainSampler.builder();
        var recommended = model.generationDefaults();
        if (recommended.temperature() != null) {
            sampler.temperature(recommended.temperature());
        }
        if (recommended.topP() != null) {
            sampler.topP(recommended.topP());
        }
        if (recommended.topK() != null) {
            sampler.topK(recommended.topK());
        }
        Double t = temperature != null ? temperature : this.temperature;
        Double p = topP != null ? topP : this.topP;
        Integer k = topK != null ? topK : this.topK;
        if (t != null) {
            sampler.temperature(t.floatValue());
        }
        if (p != null) {
            sampler.topP(p.floatValue());
        }
        if (k != null) {
            sampler.topK(k);
        }
        if (minP != null) {
            sampler.minP(minP.floatValue());
        }
        if (repeatPenalty != null) {
            sampler.repeatPenalty(repeatPenalty.floatValue());
        }
        if (frequencyPenalty != null) {
            sampler.frequencyPenalty(frequencyPenalty.floatValue());
        }
        if (presencePenalty != null) {
            sampler.presencePenalty(presencePenalty.floatValue());
        }
        return GenerationOptions.builder()
                .sampler(sampler.build())
                .maxTokens(maxOutputTokens != null ? maxOutputTokens : maxTokens)
                .seed(seed)
                .stopStrings(stops != null && !stops.isEmpty() ? stops : stopSequences)
                .build();
    }

    /** Builds {@link LlamaChatSettings}; every value is optional. */
    public static final class Builder {
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Double minP;
        private Double repeatPenalty;
        private int maxTokens = 512;
        private long seed = 42;
        private int contextLength;
        private List<String> stopSequences = List.of();

        private Builder() {
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder minP(double minP) {
            this.minP = minP;
            return this;
        }

        public Builder repeatPenalty(double repeatPenalty) {
            this.repeatPenalty = repeatPenalty;
            return this;
        }

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder contextLength(int contextLength) {
            this.contextLength = contextLength;
            return this;
        }

        public Builder stopSequences(List<String> stopSequences) {
            this.stopSequences = stopSequences;
            return this;
        }

        public LlamaChatSettings build() {
            return new LlamaChatSettings(temperature, topP, topK, minP, repeatPenalty, maxTokens, seed, contextLength,
                    stopSequences);
        }
    }
}
