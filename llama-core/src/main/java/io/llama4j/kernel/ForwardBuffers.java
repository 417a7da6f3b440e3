package io.llama4j.kernel;

import io.llama4j.spi.ModelSpec;

/**
 * The working arrays of one forward pass, kept by the state between calls so that a decode step (one
 * token) allocates none of them again; a longer batch grows them once.
 */
final class ForwardBuffers {
    private final ModelSpec spec;
    private int tokens;
    float[] x;
    float[] normed;
    float[] q;
    float[] k;
    float[] v;
    float[] attended;
    float[] projected;
    float[] gate;
    float[] up;

    ForwardBuffers(ModelSpec spec) {
        this.spec = spec;
    }

    /**
     * Makes room for {@code n} tokens. Arrays are sized exactly, {@code n} rows each, because the matrix
     * and attention code take a row count and the array's layout from their length; the decode-sized set
     * is reused from step to step, and a prefill batch replaces it until the next size change.
     */
    ForwardBuffers forTokens(int n) {
        if (n != tokens) {
            int dim = spec.dim();
            int qDim = spec.heads() * spec.headDim();
            int kvDim = spec.kvDim();
            x = new float[n * dim];
            normed = new float[n * dim];
            q = new float[n * qDim];
            k = new float[n * kvDim];
            v = new float[n * kvDim];
            attended = new float[n * qDim];
            projected = new float[n * dim];
            gate = new float[n * spec.ffnDim()];
            up = new float[n * spec.ffnDim()];
            tokens = n;
        }
        return this;
    }
}
