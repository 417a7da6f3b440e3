package io.llama4j.kernel;

import io.llama4j.spi.ModelSpec;

/**
 * The working memory of one forward pass, kept by the state between calls so that a decode step (one
 * token) allocates nothing: the activation arrays, the rope table, the matrix inputs (whose quantized
 * forms are rewritten in place) and the final position's rows. A longer batch grows them once.
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
    /** {@code {q, k, v}}, the outputs of the fused Q/K/V region. */
    float[][] qkv;
    /** cos and sin per position of the batch ({@link Rope#table(int, int, float[][])}). */
    float[][] rope;
    /** The last position's row and its normalized form, the input of the output projection. */
    final float[] last;
    final float[] lastNormed;
    /** Inputs of the attention projections, the output projection, the feed-forward and the logits. */
    final MatrixInput normedInput;
    final MatrixInput attendedInput;
    final MatrixInput gateInput;
    final MatrixInput lastInput;

    ForwardBuffers(ModelSpec spec) {
        this.spec = spec;
        this.last = new float[spec.dim()];
        this.lastNormed = new float[spec.dim()];
        this.normedInput = new MatrixInput(null, 0, spec.dim());
        this.attendedInput = new MatrixInput(null, 0, spec.heads() * spec.headDim());
        this.gateInput = new MatrixInput(null, 0, spec.ffnDim());
        this.lastInput = new MatrixInput(lastNormed, 1, spec.dim());
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
            qkv = new float[][] {q, k, v};
            rope = new float[n][spec.headDim()];
            tokens = n;
        }
        return this;
    }
}
