package io.llama4j;

import java.util.random.RandomGenerator;

/**
 * Picks the next token from the logits of a step. Implementations are immutable and thread-safe: all state
 * lives in the {@link RandomGenerator} a generation passes in, seeded from {@link GenerationOptions#seed()}.
 *
 * <pre>{@code
 * Sampler greedy = Sampler.greedy();
 * Sampler creative = Sampler.builder().temperature(0.8f).topK(40).topP(0.95f).build();
 * }</pre>
 */
@FunctionalInterface
public interface Sampler {
    /** Returns the chosen token id; {@code logits} may be modified. */
    int sample(float[] logits, RandomGenerator random);

    /** Always the most likely token (ties go to the lowest id). */
    static Sampler greedy() {
        return TemperatureSampler.GREEDY;
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95. */
    static Sampler defaults() {
        return builder().build();
    }

    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds the standard sampler. Truncation comes before temperature, as in llama.cpp's default chain:
     * top-k, then top-p on the untempered distribution, then temperature and a seeded draw. Temperature 0
     * is greedy.
     */
    final class Builder {
        private float temperature = 0.8f;
        private int topK = 40;
        private float topP = 0.95f;

        private Builder() {
        }

        /** 0 for greedy; otherwise logits are divided by it before the draw. */
        public Builder temperature(float temperature) {
            if (!(temperature >= 0) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /** Keep the k most likely tokens; 0 keeps all. */
        public Builder topK(int topK) {
            if (topK < 0) {
                throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
            }
            this.topK = topK;
            return this;
        }

        /** Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all. */
        public Builder topP(float topP) {
            if (!(topP > 0 && topP <= 1)) {
                throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
            }
            this.topP = topP;
            return this;
        }

        public Sampler build() {
            return temperature == 0 ? TemperatureSampler.GREEDY : new TemperatureSampler(temperature, topK, topP);
        }
    }
}
