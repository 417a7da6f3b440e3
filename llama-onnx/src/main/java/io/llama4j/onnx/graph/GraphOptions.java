package io.llama4j.onnx.graph;

/**
 * How a Llama graph is built.
 *
 * <pre>{@code
 * GraphOptions cpu = GraphOptions.cpu();                                  // FP32, int8 activations
 * GraphOptions scoring = new GraphOptions(Precision.FP32, true, 0, 8);    // all logits, 8-bit K-quants
 * BuiltGraph graph = GraphCache.at(cacheFolder).obtain(source, scoring, LoadProgress.NONE);
 * }</pre>
 *
 * @param precision     float type of activations, float weights, scales and the KV cache
 * @param allLogits     logits for every input position (teacher-forced scoring) instead of the last one only
 * @param accuracyLevel {@code MatMulNBits}' accuracy_level: 0 computes in the activation type, 4 quantizes
 *                      activations to int8 per block (ONNX Runtime's fastest CPU path, as llama.cpp does with
 *                      Q8_0 activations)
 * @param kQuantBits    bits K-quant weights (Q4_K, Q5_K, Q6_K) are requantized to: 4 (the default; lossless for
 *                      Q4_K) or 8 (near-lossless for Q5_K and Q6_K, twice the size)
 */
public record GraphOptions(Precision precision, boolean allLogits, int accuracyLevel, int kQuantBits) {
    public GraphOptions {
        if (kQuantBits != 4 && kQuantBits != 8) {
            throw new IllegalArgumentException("K-quants are requantized to 4 or 8 bits, not " + kQuantBits);
        }
        if (accuracyLevel < 0 || accuracyLevel > 4) {
            throw new IllegalArgumentException("accuracy_level must be 0..4, got " + accuracyLevel);
        }
    }

    /** ONNX Runtime CPU: FP32, last-position logits, int8 activations for the quantized weights. */
    public static GraphOptions cpu() {
        return new GraphOptions(Precision.FP32, false, 4, 4);
    }

    /** ONNX Runtime CUDA: FP16, last-position logits. */
    public static GraphOptions cuda() {
        return new GraphOptions(Precision.FP16, false, 4, 4);
    }

    /** A short stable text naming these options, part of a built graph's cache key. */
    String key() {
        return precision.name().toLowerCase(java.util.Locale.ROOT) + (allLogits ? "-all" : "-last") + "-acc" + accuracyLevel + "-k" + kQuantBits;
    }
}
