package io.llama4j.kernel;

import io.llama4j.spi.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The K-quants: rows of 256-weight super-blocks, multiplied with Q8_K activations. With the Vector API each
 * block is decoded once per group of input rows, straight from the mapped memory, into 256 small integers
 * and 16 integer group scales, which {@link IntegerDots#superBlock} multiplies exactly with each row's
 * int8 activations. Without it each block is copied to a small array and handed to the type's scalar
 * block formula.
 */
abstract sealed class SuperBlockMatrix extends WeightMatrix permits Q4KMatrix, Q5KMatrix, Q6KMatrix {
    static final int BLOCK = 256;
    /** Rows per cache tile: 32 rows of 8192 Q6_K weights are ~210 KB, within a core's L2. */
    private static final int ROW_TILE = 32;
    /** Input rows sharing one pass over a tile: 16 rows of 8192 activations are 512 KB of floats. */
    private static final int TOKEN_GROUP = 16;

    private final int blockBytes;

    SuperBlockMatrix(Tensor tensor, int blockBytes) {
        super(tensor, tensor.rowLength() / BLOCK * blockBytes);
        this.blockBytes = blockBytes;
    }

    @Override
    final ActivationFormat inputFormat() {
        return ActivationFormat.Q8_K;
    }

    /** Decodes what a block's dot products share (packed scales) into {@code scratch}; once per block. */
    void prepareBlock(byte[] block, int[] scratch) {
    }

    /** This block's weights times activation block {@code xb}, scales applied; {@code scratch} as prepared. */
    abstract float blockDot(byte[] block, int[] scratch, Q8KActivations a, int xb);

    /** Writes this block's 256 weights to {@code out[o ..]}. */
    abstract void dequantizeBlock(byte[] block, float[] out, int o);

    /**
     * Vector path: rows {@code from ..< to} times input rows {@code t0 ..< t0 + count}, into
     * {@code out[at + t * stride + r]}, each block decoded once for all of them. One static kernel per type
     * (in {@link IntegerDots}), so that each stays small and monomorphic for the JIT.
     */
    abstract void vectorRows(Q8KActivations a, int t0, int count, int from, int to, float[] out, int at, int stride);

    /**
     * Vector path for one input row (a decode step): rows {@code from ..< to} times input row {@code token},
     * into {@code out[r]}, by the type's fused one-row kernel in {@link KQuantDots}, which reads the mapped
     * blocks without decoding them to an array.
     */
    abstract void decodeRows(Q8KActivations a, int token, int from, int to, float[] out);

    @Override
    final float dot(int row, Activations x, int t) {
        Q8KActivations a = (Q8KActivations) x;
        if (VectorSupport.ENABLED) {
            float[] out = new float[1];
            vectorRows(a, t, 1, row, row + 1, out, -row, 0); // writes out[-row + row]
            return out[0];
        }
        return scalarDot(row, x, t);
    }

    @Override
    final float scalarDot(int row, Activations x, int t) {
        Q8KActivations a = (Q8KActivations) x;
        byte[] block = new byte[blockBytes];
        int[] scratch = new int[KQuantScales.SCRATCH];
        long base = row * rowBytes;
        int blocks = cols / BLOCK;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base + (long) b * blockBytes, block, 0, blockBytes);
            prepareBlock(block, scratch);
            sum += blockDot(block, scratch, a, t * blocks + b);
        }
        return sum;
    }

    /**
     * Rows in tiles that stay in cache while groups of input rows pass over them; each block is copied and
     * its scales decoded once per group.
     */
    @Override
    final void multiplyRows(Activations x, int tokens, float[] out, int from, int to) {
        Q8KActivations a = (Q8KActivations) x;
        if (VectorSupport.ENABLED && tokens == 1) {
            decodeRows(a, 0, from, to, out);
            return;
        }
        if (VectorSupport.ENABLED) {
            for (int tile = from; tile < to; tile += ROW_TILE) {
                int tileEnd = Math.min(to, tile + ROW_TILE);
                for (int t0 = 0; t0 < tokens; t0 += TOKEN_GROUP) {
                    vectorRows(a, t0, Math.min(TOKEN_GROUP, tokens - t0), tile, tileEnd, out, t0 * rows, rows);
                }
            }
            return;
        }
        byte[] block = new byte[blockBytes];
        int[] scratch = new int[KQuantScales.SCRATCH];
        int blocks = cols / BLOCK;
        float[] sums = new float[TOKEN_GROUP];
        for (int tile = from; tile < to; tile += ROW_TILE) {
            int tileEnd = Math.min(to, tile + ROW_TILE);
            for (int t0 = 0; t0 < tokens; t0 += TOKEN_GROUP) {
                int group = Math.min(TOKEN_GROUP, tokens - t0);
                for (int r = tile; r < tileEnd; r++) {
                    java.util.Arrays.fill(sums, 0f);
                    long base = r * rowBytes;
                    for (int b = 0; b < blocks; b++) {
                        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base + (long) b * blockBytes, block, 0, blockBytes);
                        prepareBlock(block, scratch);
                        for (int t = 0; t < group; t++) {
                            sums[t] += blockDot(block, scratch, a, (t0 + t) * blocks + b);
                        }
                    }
                    for (int t = 0; t < group; t++) {
                        out[(t0 + t) * rows + r] = sums[t];
                    }
                }
            }
        }
    }

    @Override
    final void dequantizeRow(int row, float[] out, int offset) {
        dequantizeScalar(row * rowBytes, 0, cols / BLOCK, out, offset);
    }

    @Override
    final void dequantizeSpan(int row, int col, int count, float[] out, int offset) {
        if (VectorSupport.ENABLED) {
            vectorDequantize(row * rowBytes, col / BLOCK, count / BLOCK, out, offset);
        } else {
            dequantizeScalar(row * rowBytes, col / BLOCK, count / BLOCK, out, offset);
        }
    }

    /** Vector path of {@link #dequantizeSpan}: blocks {@code first ..< first + blocks} of the row at {@code rowOffset}. */
    abstract void vectorDequantize(long rowOffset, int first, int blocks, float[] out, int offset);

    private void dequantizeScalar(long base, int first, int blocks, float[] out, int offset) {
        byte[] block = new byte[blockBytes];
        for (int b = 0; b < blocks; b++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base + (long) (first + b) * blockBytes, block, 0, blockBytes);
            dequantizeBlock(block, out, offset + b * BLOCK);
        }
    }

    static float half(byte[] b, int i) {
        return Half.f16ToFloat((short) ((b[i] & 0xFF) | (b[i + 1] << 8)));
    }
}
