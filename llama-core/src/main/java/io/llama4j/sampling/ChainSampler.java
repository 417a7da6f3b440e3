package io.llama4j.sampling;

import io.llama4j.Sampler;
import io.llama4j.TokenHistory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The standard sampler: llama.cpp's sampling chain as an immutable value.
 *
 * <p>Each step, in this order by default (llama.cpp's {@code common_sampler} chain):
 * <ol>
 *   <li>logit bias: {@code logit += bias[id]} (always first);</li>
 *   <li>penalties over the last {@code penaltyWindow} tokens of the context, for a token seen {@code c > 0}
 *       times: {@code logit = logit > 0 ? logit / repeat : logit * repeat}, then
 *       {@code logit -= c * frequency + presence};</li>
 *   <li>top-k: keep the k highest logits;</li>
 *   <li>top-p: keep the shortest highest-first prefix whose softmax probabilities sum to at least p;</li>
 *   <li>min-p: keep tokens with {@code prob >= minP * maxProb};</li>
 *   <li>temperature: {@code logit /= t}; at 0 keep only the highest (greedy);</li>
 *   <li>draw: softmax of what is left, one draw from the generation's seeded random generator.</li>
 * </ol>
 * Steps 2-6 can be reordered with {@link Builder#order}. Since truncation comes before temperature, the
 * temperature only reshapes the surviving tokens; temperature 0 is greedy (after bias and penalties) and
 * never uses the random generator. The same settings and seed always give the same tokens.
 *
 * <pre>{@code
 * ChainSampler sampler = Sampler.builder()
 *         .temperature(0.7f).topK(40).topP(0.9f).minP(0.05f)
 *         .repeatPenalty(1.1f).penaltyWindow(64)
 *         .logitBias(128009, Float.NEGATIVE_INFINITY)   // never end the turn
 *         .build();
 * }</pre>
 */
public final class ChainSampler implements Sampler {
    /** The default order of the reorderable steps: llama.cpp's. */
    public static final List<SamplingStep> LLAMA_CPP_ORDER = List.of(SamplingStep.PENALTIES, SamplingStep.TOP_K,
            SamplingStep.TOP_P, SamplingStep.MIN_P, SamplingStep.TEMPERATURE);

    /** Temperature 0, nothing else: the most likely token, ties to the lowest id. */
    public static final ChainSampler GREEDY = builder().temperature(0).topK(0).topP(1).minP(0).build();

    private final float temperature;
    private final int topK;
    private final float topP;
    private final float minP;
    private final int penaltyWindow;
    private final float repeatPenalty;
    private final float frequencyPenalty;
    private final float presencePenalty;
    private final Map<Integer, Float> logitBias;
    private final List<SamplingStep> order;

    private ChainSampler(Builder b) {
        this.temperature = b.temperature;
        this.topK = b.topK;
        this.topP = b.topP;
        this.minP = b.minP;
        this.penaltyWindow = b.penaltyWindow;
        this.repeatPenalty = b.repeatPenalty;
        this.frequencyPenalty = b.frequencyPenalty;
        this.presencePenalty = b.presencePenalty;
        this.logitBias = Map.copyOf(b.logitBias);
        this.order = b.order;
    }

    /** A builder starting from llama.cpp's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.minP = minP;
        b.penaltyWindow = penaltyWindow;
        b.repeatPenalty = repeatPenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.presencePenalty = presencePenalty;
        b.logitBias.putAll(logitBias);
        b.order = order;
        return b;
    }

    /** Without a history, penalties see nothing to penalize. */
    @Override
    public int sample(float[] logits, RandomGenerator random) {
        return sample(logits, TokenHistory.empty(), random);
    }

    @Override
    public int sample(float[] logits, TokenHistory history, RandomGenerator random) {
        Candidates c = filter(logits, history);
        if (c.size == 1) {
            return c.ids[0];
        }
        double[] p = c.probabilities();
        double r = random.nextDouble();
        for (int i = 0; i < c.size; i++) {
            r -= p[i];
            if (r < 0) {
                return c.ids[i];
            }
        }
        return c.ids[c.size - 1];  // rounding left r a hair above 0
    }

    /**
     * The candidates the draw chooses from, after every step: softmax of their logits is the exact
     * distribution of {@link #sample}.
     */
    Candidates filter(float[] logits, TokenHistory history) {
        Candidates c = Candidates.of(logits);
        if (!logitBias.isEmpty()) {
            new LogitBias(logitBias).apply(c, history);
        }
        for (SamplingStep step : order) {
            // Truncations always keep the most likely token, so when temperature 0 will keep only that one
            // they change nothing: skip them (top-p without top-k would otherwise sort the vocabulary).
            if (temperature == 0 && step != SamplingStep.PENALTIES && step != SamplingStep.TEMPERATURE) {
                continue;
            }
            stage(step).apply(c, history);
            if (c.size == 0) {
                throw new IllegalStateException("no candidate token left (every token banned by logit bias?)");
            }
        }
        if (c.maxLogit() == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("every remaining token has logit -infinity (banned by logit bias?)");
        }
        return c;
    }

    private Stage stage(SamplingStep step) {
        return switch (step) {
            case PENALTIES -> new Penalties(penaltyWindow, repeatPenalty, frequencyPenalty, presencePenalty);
            case TOP_K -> new TopK(topK);
            case TOP_P -> new TopP(topP);
            case MIN_P -> new MinP(minP);
            case TEMPERATURE -> new Temperature(temperature);
        };
    }

    public float temperature() {
        return temperature;
    }

    public int topK() {
        return topK;
    }

    public float topP() {
        return topP;
    }

    public float minP() {
        return minP;
    }

    public int penaltyWindow() {
        return penaltyWindow;
    }

    public float repeatPenalty() {
        return repeatPenalty;
    }

    public float frequencyPenalty() {
        return frequencyPenalty;
    }

    public float presencePenalty() {
        return presencePenalty;
    }

    /** Token id to the amount added to its logit. */
    public Map<Integer, Float> logitBias() {
        return logitBias;
    }

    /** The order of the reorderable steps. */
    public List<SamplingStep> order() {
        return order;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChainSampler s && temperature == s.temperature && topK == s.topK && topP == s.topP
                && minP == s.minP && penaltyWindow == s.penaltyWindow && repeatPenalty == s.repeatPenalty
                && frequencyPenalty == s.frequencyPenalty && presencePenalty == s.presencePenalty
                && logitBias.equals(s.logitBias) && order.equals(s.order);
    }

    @Override
    public int hashCode() {
        return Objects.hash(temperature, topK, topP, minP, penaltyWindow, repeatPenalty, frequencyPenalty,
                presencePenalty, logitBias, order);
    }

    @Override
    public String toString() {
        return "ChainSampler[temperature=" + temperature + ", topK=" + topK + ", topP=" + topP + ", minP=" + minP
                + ", penaltyWindow=" + penaltyWindow + ", repeatPenalty=" + repeatPenalty
                + ", frequencyPenalty=" + frequencyPenalty + ", presencePenalty=" + presencePenalty
                + ", logitBias=" + logitBias + ", order=" + order + "]";
    }

    /**
     * Settings of a {@link ChainSampler}, each checked when set; starts from llama.cpp's defaults.
     *
     * <pre>{@code
     * ChainSampler sampler = Sampler.builder()
     *         .temperature(0.7f).topK(40).topP(0.9f).minP(0.05f)
     *         .repeatPenalty(1.1f)
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private float temperature = 0.8f;
        private int topK = 40;
        private float topP = 0.95f;
        private float minP = 0.05f;
        private int penaltyWindow = 64;
        private float repeatPenalty = 1f;
        private float frequencyPenalty = 0f;
        private float presencePenalty = 0f;
        private final Map<Integer, Float> logitBias = new LinkedHashMap<>();
        private List<SamplingStep> order = LLAMA_CPP_ORDER;

        private Builder() {
        }

        /** 0 is greedy; otherwise logits are divided by it. Default 0.8. */
        public Builder temperature(float temperature) {
            if (!(temperature >= 0) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be finite and >= 0 (0 = greedy), got " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /** Keep the k most likely tokens; 0 keeps all. Default 40. */
        public Builder topK(int topK) {
            if (topK < 0) {
                throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
            }
            this.topK = topK;
            return this;
        }

        /** Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all. Default 0.95. */
        public Builder topP(float topP) {
            if (!(topP > 0 && topP <= 1)) {
                throw new IllegalArgumentException("top-p must be in (0, 1] (1 = off), got " + topP);
            }
            this.topP = topP;
            return this;
        }

        /** Keep tokens at least this fraction as likely as the most likely one; 0 keeps all. Default 0.05. */
        public Builder minP(float minP) {
            if (!(minP >= 0 && minP <= 1)) {
                throw new IllegalArgumentException("min-p must be in [0, 1] (0 = off), got " + minP);
            }
            this.minP = minP;
            return this;
        }

        /** How many of the latest context tokens the penalties look at; -1 for all, 0 for none. Default 64. */
        public Builder penaltyWindow(int tokens) {
            if (tokens < -1) {
                throw new IllegalArgumentException("penalty window must be >= 0, or -1 for the whole context, got " + tokens);
            }
            this.penaltyWindow = tokens;
            return this;
        }

        /** Repetition penalty (llama.cpp {@code --repeat-penalty}); 1 is off, above 1 discourages repeats. Default 1. */
        public Builder repeatPenalty(float penalty) {
            if (!(penalty > 0) || Float.isInfinite(penalty)) {
                throw new IllegalArgumentException("repeat penalty must be finite and > 0 (1 = off), got " + penalty);
            }
            this.repeatPenalty = penalty;
            return this;
        }

        /** Subtracted from a logit once per occurrence in the window. Default 0. */
        public Builder frequencyPenalty(float penalty) {
            if (!Float.isFinite(penalty)) {
                throw new IllegalArgumentException("frequency penalty must be finite, got " + penalty);
            }
            this.frequencyPenalty = penalty;
            return this;
        }

        /** Subtracted from a logit if the token occurs in the window at all. Default 0. */
        public Builder presencePenalty(float penalty) {
            if (!Float.isFinite(penalty)) {
                throw new IllegalArgumentException("presence penalty must be finite, got " + penalty);
            }
            this.presencePenalty = penalty;
            return this;
        }

        /** Adds {@code bias} to the logit of {@code tokenId}; {@code Float.NEGATIVE_INFINITY} bans it. */
        public Builder logitBias(int tokenId, float bias) {
            if (tokenId < 0) {
                throw new IllegalArgumentException("logit bias token id must be >= 0, got " + tokenId);
            }
            if (Float.isNaN(bias) || bias == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logit bias must be a number or -infinity, got " + bias
                        + " for token " + tokenId);
            }
            logitBias.put(tokenId, bias);
            return this;
        }

        /** Replaces all logit biases. */
        public Builder logitBias(Map<Integer, Float> bias) {
            logitBias.clear();
            bias.forEach(this::logitBias);
            return this;
        }

        /** The order of the reorderable steps: each of the five exactly once. Default {@link #LLAMA_CPP_ORDER}. */
        public Builder order(List<SamplingStep> steps) {
            if (steps.size() != SamplingStep.values().length
                    || !EnumSet.copyOf(steps).equals(EnumSet.allOf(SamplingStep.class))) {
                throw new IllegalArgumentException("the order must name each of " + List.of(SamplingStep.values())
                        + " exactly once, got " + steps);
            }
            this.order = List.copyOf(steps);
            return this;
        }

        public ChainSampler build() {
            return new ChainSampler(this);
        }
    }
}
