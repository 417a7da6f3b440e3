package io.llama4j;

import io.llama4j.sampling.ChainSampler;
import java.util.random.RandomGenerator;

/**
 * Picks the next token from the logits of a step.
 *
 * <p>The built-in sampler is {@link ChainSampler}, an immutable value made by {@link #builder()}: logit bias,
 * repetition penalties, top-k, top-p, min-p and temperature in llama.cpp's order, then a seeded draw.
 * Implement this interface for anything else; a sampler that penalizes repetition overrides
 * {@link #sample(float[], TokenHistory, RandomGenerator)}, which sessions call, to see the tokens in context.
 *
 * <p>Implementations must be thread-safe (in practice, immutable): all per-generation state lives in the
 * {@link RandomGenerator} a generation passes in, seeded from {@link GenerationOptions#seed()}.
 *
 * <pre>{@code
 * Sampler greedy = Sampler.greedy();
 * Sampler creative = Sampler.builder().temperature(0.8f).topK(40).topP(0.95f).minP(0.05f)
 *         .repeatPenalty(1.1f).penaltyWindow(64).build();
 * Sampler mine = (logits, random) -> myPick(logits, random);
 * }</pre>
 */
@FunctionalInterface
public interface Sampler {
    /** Returns the chosen token id; {@code logits} (one per vocabulary entry) may be modified. */
    int sample(float[] logits, RandomGenerator random);

    /**
     * Returns the chosen token id knowing the tokens already in context (for repetition penalties). Sessions
     * call this one; the default ignores the history.
     */
    default int sample(float[] logits, TokenHistory history, RandomGenerator random) {
        return sample(logits, random);
    }

    /** Always the most likely token (ties go to the lowest id). */
    static Sampler greedy() {
        return ChainSampler.GREEDY;
    }

    /**
     * llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, penalties off (window 64).
     */
    static Sampler defaults() {
        return builder().build();
    }

    /** A builder of the standard chain, starting from llama.cpp's defaults. */
    static ChainSampler.Builder builder() {
        return ChainSampler.builder();
    }
}
