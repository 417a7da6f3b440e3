package io.llama4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.llama4j.LlamaException;
import io.llama4j.spi.Executor;
import io.llama4j.spi.InferenceState;
import io.llama4j.spi.ModelSpec;

/** A Llama decoder graph opened in ONNX Runtime. {@link OrtSession#run} is thread-safe, so states may run at once. */
final class OnnxExecutor implements Executor {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final GraphLayout layout;
    private final ModelSpec spec;
    private final Device device;

    OnnxExecutor(OrtEnvironment env, OrtSession session, GraphLayout layout, ModelSpec spec, Device device) {
        this.env = env;
        this.session = session;
        this.layout = layout;
        this.spec = spec;
        this.device = device;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /** Where the graph runs: {@link Device#CUDA} or {@link Device#CPU}, never {@link Device#AUTO}. */
    Device device() {
        return device;
    }

    GraphLayout layout() {
        return layout;
    }

    @Override
    public InferenceState newState(int contextLength) {
        return newState(contextLength, OnnxInferenceState.MAX_CHUNK);
    }

    /** A state feeding prompts in runs of at most {@code chunk} tokens (tests use small chunks). */
    InferenceState newState(int contextLength, int chunk) {
        return new OnnxInferenceState(env, session, layout, spec.vocabularySize(), contextLength, chunk);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new LlamaException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
        }
    }
}
