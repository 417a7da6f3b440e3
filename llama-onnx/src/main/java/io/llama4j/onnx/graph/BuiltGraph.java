package io.llama4j.onnx.graph;

import java.nio.file.Path;
import java.util.List;

/**
 * A Llama graph built from a model's weights, in a folder ONNX Runtime (and the {@code onnx} executor) opens
 * like any exported one: {@code model.onnx}, {@code model.onnx.data} and {@code genai_config.json}.
 *
 * <pre>{@code
 * BuiltGraph graph = GraphCache.at(cacheFolder).obtain(source, GraphOptions.cpu(), LoadProgress.NONE);
 * try (OrtSession session = environment.createSession(graph.graph().toString(), new OrtSession.SessionOptions())) {
 *     System.out.printf("built in %d ms (reused: %b), worst requantization error %.4f%n",
 *             graph.buildMillis(), graph.reused(), graph.worstRequantizationError());
 * }
 * }</pre>
 *
 * @param folder          the cache entry
 * @param requantizations the weights re-encoded with a loss (K-quants to 4 bits), with their error
 * @param buildMillis     how long building took, or 0 when an earlier build was reused
 * @param reused          whether the entry existed already
 */
public record BuiltGraph(Path folder, List<Requantization> requantizations, long buildMillis, boolean reused) {
    static final String GRAPH_FILE = "model.onnx";
    static final String DATA_FILE = "model.onnx.data";
    static final String GENAI_CONFIG = "genai_config.json";
    static final String REQUANTIZATIONS = "requantizations.tsv";

    public BuiltGraph {
        requantizations = List.copyOf(requantizations);
    }

    public Path graph() {
        return folder.resolve(GRAPH_FILE);
    }

    /** The largest relative rms error among {@link #requantizations()}, 0 when nothing was requantized. */
    public double worstRequantizationError() {
        return requantizations.stream().mapToDouble(Requantization::relativeRmsError).max().orElse(0);
    }
}
