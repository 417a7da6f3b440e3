package io.llama4j;

/**
 * One candidate of a generation step: its raw logit and its log-probability (log-softmax over the whole
 * vocabulary).
 *
 * <pre>{@code
 * Generation g = session.generate(prompt, GenerationOptions.builder().maxTokens(8).topLogits(5).build(), piece -> { });
 * TokenLogit best = g.topLogits().get(0).get(0);                    // step 0, most likely candidate
 * System.out.println(best.id() + " " + Math.exp(best.logprob()));
 * }</pre>
 */
public record TokenLogit(int id, float logit, double logprob) {
}
