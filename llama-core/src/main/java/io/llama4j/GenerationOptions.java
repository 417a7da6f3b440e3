package io.llama4j;

/**
 * How to generate: how many tokens, how to pick them, and what to report.
 *
 * <pre>{@code
 * GenerationOptions options = GenerationOptions.builder()
 *         .maxTokens(128)
 *         .sampler(Sampler.builder().temperature(0.7f).build())
 *         .seed(42)
 *         .build();
 * }</pre>
 *
 * @param maxTokens    the most tokens to generate
 * @param sampler      picks each token
 * @param seed         seeds the sampler's random draws; the same seed gives the same output
 * @param topLogits    report this many highest logits per step in {@link Generation#topLogits()} (0 = none)
 * @param forcedTokens teacher forcing: when set, the i-th generated token is {@code forcedTokens[i]} instead
 *                     of a sampled one and exactly that many tokens are generated (end-of-generation tokens
 *                     do not stop it); the model's logits are still computed and reported
 */
public record GenerationOptions(int maxTokens, Sampler sampler, long seed, int topLogits, int[] forcedTokens) {

    public GenerationOptions {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        if (topLogits < 0) {
            throw new IllegalArgumentException("topLogits must be >= 0, got " + topLogits);
        }
        if (sampler == null) {
            throw new IllegalArgumentException("sampler is required");
        }
        forcedTokens = forcedTokens == null ? null : forcedTokens.clone();
    }

    @Override
    public int[] forcedTokens() {
        return forcedTokens == null ? null : forcedTokens.clone();
    }

    /** 256 tokens, llama.cpp's default sampler, a random seed. */
    public static GenerationOptions defaults() {
        return builder().build();
    }

    /** Greedy decoding of at most {@code maxTokens} tokens. */
    public static GenerationOptions greedy(int maxTokens) {
        return builder().maxTokens(maxTokens).sampler(Sampler.greedy()).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int maxTokens = 256;
        private Sampler sampler = Sampler.defaults();
        private long seed = System.nanoTime();
        private int topLogits;
        private int[] forcedTokens;

        private Builder() {
        }

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder sampler(Sampler sampler) {
            this.sampler = sampler;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder topLogits(int topLogits) {
            this.topLogits = topLogits;
            return this;
        }

        public Builder forcedTokens(int... forcedTokens) {
            this.forcedTokens = forcedTokens;
            return this;
        }

        public GenerationOptions build() {
            return new GenerationOptions(maxTokens, sampler, seed, topLogits, forcedTokens);
        }
    }
}
