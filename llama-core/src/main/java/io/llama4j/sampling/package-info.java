/**
 * The standard sampler, {@link io.llama4j.sampling.ChainSampler}, and its steps, one per file: logit bias,
 * repetition penalties, top-k, top-p, min-p and temperature, each following llama.cpp's formulas.
 */
package io.llama4j.sampling;
