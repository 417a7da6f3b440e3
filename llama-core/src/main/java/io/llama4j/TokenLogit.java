package io.llama4j;

/**
 * One candidate of a generation step: its raw logit and its log-probability (log-softmax over the whole
 * vocabulary).
 */
public record TokenLogit(int id, float logit, double logprob) {
}
