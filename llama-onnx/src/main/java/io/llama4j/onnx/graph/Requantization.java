package io.llama4j.onnx.graph;

import io.llama4j.spi.TensorType;

/**
 * What re-encoding one weight for {@code MatMulNBits} cost: the root-mean-square error of the new values
 * against the source's dequantized values, relative to their root-mean-square.
 *
 * <pre>{@code
 * BuiltGraph graph = GraphCache.at(cacheFolder).obtain(source, GraphOptions.cpu(), LoadProgress.NONE);
 * for (Requantization r : graph.requantizations()) {
 *     System.out.printf("%s: %s -> %d bits, relative rms error %.4f%n",
 *             r.tensor(), r.from(), r.bits(), r.relativeRmsError());
 * }
 * }</pre>
 *
 * @param tensor            the source tensor's name
 * @param from              its type in the source file
 * @param bits              the bits per weight of the new encoding
 * @param relativeRmsError  rms(new - source) / rms(source)
 */
public record Requantization(String tensor, TensorType from, int bits, double relativeRmsError) {
}
