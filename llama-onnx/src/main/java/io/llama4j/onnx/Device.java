package io.llama4j.onnx;

import io.llama4j.LlamaException;
import java.util.Locale;

/**
 * Where ONNX Runtime runs the graph, chosen by the {@code onnx.provider} executor setting (or the
 * {@code llama4j.onnx.provider} system property): {@code auto} tries CUDA and falls back to the CPU,
 * {@code cuda} insists on it, {@code cpu} never tries it.
 */
enum Device {
    AUTO, CUDA, CPU;

    static final String SETTING = "onnx.provider";
    static final String PROPERTY = "llama4j.onnx.provider";

    static Device parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LlamaException(SETTING + " must be auto, cuda or cpu, got \"" + text + "\"");
        }
    }
}
