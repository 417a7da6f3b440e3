package io.llama4j;

import io.llama4j.structured.JsonSchema;
import java.util.List;

/**
 * How to generate: how many tokens, how to pick them, and what to report.
 *
 * <pre>{@code
 * GenerationOptions options = GenerationOptions.builder()
 *         .maxTokens(128)
 *         .sampler(Sampler.builder().temperature(0.7f).build())
 *         .seed(42)
 *         .stopStrings("\n\n", "User:")
 *         .build();
 * }</pre>
 *
 * @param maxTokens    the most tokens to generate; 0 generates none (the prompt is not even evaluated), and a
 *                     negative count is refused
 * @param sampler      picks each token
 * @param seed         seeds the sampler's random draws; the same seed gives the same output
 * @param topLogits    report this many highest logits per step in {@link Generation#topLogits()} (0 = none)
 * @param forcedTokens teacher forcing: when set, the i-th generated token is {@code forcedTokens[i]} instead
 *                     of a sampled one and exactly that many tokens are generated (end-of-generation tokens
 *                     do not stop it); the model's logits are still computed and reported
 * @param stopTokens   token ids that end the generation besides the model's own end tokens; the stopping
 *                     token is reported in {@link Generation#ids()} but not as text
 * @param stopStrings  texts that end the generation as soon as the output contains one; neither the stop
 *                     string nor anything after it is emitted or returned, even when it spans tokens
 * @param jsonSchema   when set, the output is a JSON document valid against it: tokens that cannot continue one
 *                     are masked before the sampler sees the logits, and the generation ends (with
 *                     {@link StopReason#END_OF_GENERATION}) as soon as the document is complete; see
 *                     {@link JsonSchema} for what is supported and for the length the budget needs
 */
public record GenerationOptions(int maxTokens, Sampler sampler, long seed, int topLogits, int[] forcedTokens,
                                int[] stopTokens, List<String> stopStrings, JsonSchema jsonSchema) {

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
        stopTokens = stopTokens == null ? new int[0] : stopTokens.clone();
        for (int id : stopTokens) {
            if (id < 0) {
                throw new IllegalArgumentException("stop token ids must be >= 0, got " + id);
            }
        }
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String stop : stopStrings) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("a stop string must not be empty");
            }
        }
    }

    /** Options without a JSON schema. */
    public GenerationOptions(int maxTokens, Sampler sampler, long seed, int topLogits, int[] forcedTokens,
                             int[] stopTokens, List<String> stopStrings) {
        this(maxTokens, sampler, seed, topLogits, forcedTokens, stopTokens, stopStrings, null);
    }

    @Override
    public int[] stopTokens() {
        return stopTokens.clone();
    }

    boolean isStopToken(int id) {
        for (int stop : stopTokens) {
            if (stop == id) {
                return true;
            }
        }
        return false;
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxTokens = maxTokens;
        b.sampler = sampler;
        b.seed = seed;
        b.topLogits = topLogits;
        b.forcedTokens = forcedTokens;
        b.stopTokens = stopTokens;
        b.stopStrings = stopStrings;
        b.jsonSchema = jsonSchema;
        return b;
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

    /**
     * Builds {@link GenerationOptions}; what is not set keeps its default (256 tokens,
     * {@link Sampler#defaults()}, a seed from the clock).
     *
     * <pre>{@code
     * GenerationOptions options = GenerationOptions.builder()
     *         .maxTokens(128)
     *         .sampler(Sampler.builder().temperature(0.7f).build())
     *         .seed(42)
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private int maxTokens = 256;
        private Sampler sampler = Sampler.defaults();
        private long seed = System.nanoTime();
        private int topLogits;
        private int[] forcedTokens;
        private int[] stopTokens;
        private List<String> stopStrings = List.of();
        private JsonSchema jsonSchema;

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

        /** Token ids that end the generation, besides the model's end-of-generation tokens. */
        public Builder stopTokens(int... ids) {
            this.stopTokens = ids;
            return this;
        }

        /** Texts that end the generation; they are never part of the output. */
        public Builder stopStrings(String... stops) {
            this.stopStrings = List.of(stops);
            return this;
        }

        public Builder stopStrings(List<String> stops) {
            this.stopStrings = List.copyOf(stops);
            return this;
        }

        /**
         * Constrains the output to JSON valid against {@code schema} (a JSON Schema document).
         *
         * @throws io.llama4j.structured.JsonSchemaException if the schema is not valid JSON or uses an
         *                                                   unsupported keyword
         */
        public Builder jsonSchema(String schema) {
            this.jsonSchema = schema == null ? null : JsonSchema.parse(schema);
            return this;
        }

        /** Constrains the output to JSON valid against an already compiled schema (null: no constraint). */
        public Builder jsonSchema(JsonSchema schema) {
            this.jsonSchema = schema;
            return this;
        }

        public GenerationOptions build() {
            return new GenerationOptions(maxTokens, sampler, seed, topLogits, forcedTokens, stopTokens, stopStrings,
                    jsonSchema);
        }
    }
}
