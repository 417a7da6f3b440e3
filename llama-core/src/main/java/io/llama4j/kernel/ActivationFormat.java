package io.llama4j.kernel;

/**
 * How a matrix wants its input vector. llama.cpp never multiplies weights with float32 activations unless
 * the weights are float32: it rounds activations to the weights' 16-bit format, or quantizes them to
 * 8-bit blocks and takes integer dot products. Doing the same makes our logits agree with llama.cpp's to
 * about 1e-5 on quantized files, and integer dot products are the fast path anyway.
 */
enum ActivationFormat {
    /** Plain float32 (F32 weights). */
    F32,
    /** Rounded to binary16 (F16 weights). */
    F16,
    /** Rounded to bfloat16 (BF16 weights). */
    BF16,
    /** 32-element blocks of int8 with one binary16 scale each (Q8_0 and Q4_0 weights). */
    Q8_0,
    /** 256-element blocks of int8 with one float32 scale and 16 partial sums each (K-quant weights). */
    Q8_K
}
