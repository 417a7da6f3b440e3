package io.llama4j.kernel;

import io.llama4j.spi.Tensor;

/**
 * The 32-weight block types that multiply with Q8_0 activations (Q8_0, Q4_0). With the Vector API a
 * prefill batch is multiplied two weight rows by up to {@value #TOKEN_GROUP} input rows at a time, so each
 * weight block is read and widened once per group of tokens and each activation block loaded once per row
 * pair.
 */
abstract sealed class Q8_0InputMatrix extends WeightMatrix permits Q8_0Matrix, Q4_0Matrix {
    /** Rows per cache tile: 32 rows of 8192 Q8_0 weights are ~280 KB, within a core's L2. */
    private static final int ROW_TILE = 32;
    /**
     * Input rows per pass over a row pair: 16 was faster than 4 or 8 in the single-thread harness (fewer
     * widenings per weight block); their 16-bit activations, 64 KB per 2048 columns, stay in L2.
     */
    static final int TOKEN_GROUP = 16;

    private final int blockBytes;

    Q8_0InputMatrix(Tensor tensor, int blockBytes) {
        super(tensor, tensor.rowLength() / 32 * blockBytes);
        this.blockBytes = blockBytes;
    }

    /** The exact integer dot product of the 32 weights of the block at {@code block} with {@code quants[q ..< q+32]}. */
    abstract int blockIntDot(long block, byte[] quants, int q);

    /** The vector kernel for one input row (a decode step). */
    abstract float vectorDot(long rowOffset, Q8_0Activations a, int token);

    /** Per block, the integer dot product times both scales, as ggml's {@code vec_dot_q*_q8_0} computes it. */
    @Override
    final float dot(int row, Activations x, int t) {
        return VectorSupport.ENABLED ? vectorDot(row * rowBytes, (Q8_0Activations) x, t) : scalarDot(row, x, t);
    }

    @Override
    final float scalarDot(int row, Activations x, int t) {
        Q8_0Activations a = (Q8_0Activations) x;
        long base = row * rowBytes;
        int blocks = cols / 32;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long block = base + (long) b * blockBytes;
            sum += blockIntDot(block, a.quants, t * cols + b * 32) * (f16At(block) * a.scales[t * blocks + b]);
        }
        return sum;
    }

    @Override
    final ActivationFormat inputFormat() {
        return ActivationFormat.Q8_0;
    }

    /**
     * The vector kernel for the rows at byte offsets {@code row0} and {@code row1} times input rows
     * {@code firstToken ..< firstToken + count} (at most {@link #TOKEN_GROUP}), written at
     * {@code out[at + t * stride]} and {@code out[at + 1 + t * stride]}; {@code acc} is scratch of
     * {@code 16 * TOKEN_GROUP} floats.
     */
    abstract void vectorPair(long row0, long row1, Q8_0Activations a, int firstToken, int count, float[] acc,
                             float[] out, int at, int stride);

    @Override
    final void multiplyRows(Activations x, int tokens, float[] out, int from, int to) {
        if (!VectorSupport.ENABLED || tokens == 1) {
            super.multiplyRows(x, tokens, out, from, to);
            return;
        }
        Q8_0Activations a = (Q8_0Activations) x;
        float[] acc = new float[16 * TOKEN_GROUP];
        // Tiles of ROW_TILE rows keep their weights in cache while every group of input rows passes over
        // them; a tile's odd last row takes the one-row kernel per token.
        for (int tile = from; tile < to; tile += ROW_TILE) {
            int tileEnd = Math.min(to, tile + ROW_TILE);
            for (int t = 0; t < tokens; t += TOKEN_GROUP) {
                int count = Math.min(TOKEN_GROUP, tokens - t);
                int r = tile;
                for (; r + 1 < tileEnd; r += 2) {
                    vectorPair(r * rowBytes, (r + 1) * rowBytes, a, t, count, acc, out, t * rows + r, rows);
                }
                if (r < tileEnd) {
                    for (int i = t; i < t + count; i++) {
                        out[i * rows + r] = vectorDot(r * rowBytes, a, i);
                    }
                }
            }
        }
    }
}
