package io.llama4j.examples.spring;

import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.sampling.ChainSampler;
import io.llama4j.spi.GenerationDefaults;
import java.util.List;

/**
 * The sampling fields both APIs accept, any of them absent (null), turned into {@link GenerationOptions}.
 * What a request leaves out comes from the model's own recommendation (HF {@code generation_config.json}),
 * then from llama.cpp's defaults, so that a bare request samples the way the model's publisher intends.
 */
record GenerationSettings(Integer maxTokens, Float temperature, Integer topK, Float topP, Float minP,
                          Float repeatPenalty, Float frequencyPenalty, Float presencePenalty, Long seed,
                          List<String> stop) {

    /** The tokens a request generates when it names no limit. */
    static final int DEFAULT_MAX_TOKENS = 256;

    /** @throws IllegalArgumentException for an out-of-range value, reported to the client as a bad request */
    GenerationOptions toOptions(LlamaModel model) {
        ChainSampler.Builder sampler = ChainSampler.builder();
        GenerationDefaults recommended = model.generationDefaults();
        if (recommended.temperature() != null) {
            sampler.temperature(recommended.temperature());
        }
        if (recommended.topP() != null) {
            sampler.topP(recommended.topP());
        }
        if (recommended.topK() != null) {
            sampler.topK(recommended.topK());
        }
        if (temperature != null) {
            sampler.temperature(temperature);
        }
        if (topK != null) {
            sampler.topK(topK);
        }
        if (topP != null) {
            sampler.topP(topP);
        }
        if (minP != null) {
            sampler.minP(minP);
        }
        if (repeatPenalty != null) {
            sampler.repeatPenalty(repeatPenalty);
        }
        if (frequencyPenalty != null) {
            sampler.frequencyPenalty(frequencyPenalty);
        }
        if (presencePenalty != null) {
            sampler.presencePenalty(presencePenalty);
        }
        GenerationOptions.Builder options = GenerationOptions.builder()
                .maxTokens(maxTokens != null ? maxTokens : DEFAULT_MAX_TOKENS)
                .sampler(sampler.build());
        if (seed != null) {
            options.seed(seed);
        }
        if (stop != null) {
            options.stopStrings(stop);
        }
        return options.build();
    }
}
