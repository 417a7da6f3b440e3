package io.llama4j.sampling;

/**
 * The reorderable steps of {@link ChainSampler}. Logit bias always comes first and the seeded draw last.
 * The default order is llama.cpp's: {@code PENALTIES, TOP_K, TOP_P, MIN_P, TEMPERATURE} (truncation on the
 * untempered distribution). HF transformers tempers first: {@code PENALTIES, TEMPERATURE, TOP_K, TOP_P, MIN_P}.
 *
 * <pre>{@code
 * ChainSampler hfOrder = ChainSampler.builder().temperature(0.7f).topP(0.9f)
 *         .order(List.of(SamplingStep.PENALTIES, SamplingStep.TEMPERATURE, SamplingStep.TOP_K,
 *                 SamplingStep.TOP_P, SamplingStep.MIN_P))
 *         .build();
 * }</pre>
 */
public enum SamplingStep {
    /** Repetition, frequency and presence penalties over the recent context. */
    PENALTIES,
    /** Keep the k most likely tokens. */
    TOP_K,
    /** Keep the smallest most-likely set reaching probability p. */
    TOP_P,
    /** Keep tokens at least p times as likely as the most likely one. */
    MIN_P,
    /** Divide logits by the temperature (0: keep only the most likely token). */
    TEMPERATURE
}
