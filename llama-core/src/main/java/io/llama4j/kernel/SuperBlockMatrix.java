package io.llama4j.kernel;

import io.llama4j.spi.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The K-quants: rows of 256-weight super-blocks, multiplied with Q8_K activations. Each block is copied to
 * a small array once and handed to the type's block formula.
 */
abstract sealed class SuperBlockMatrix extends WeightMatrix permits Q4KMatrix, Q5KMatrix, Q6KMatrix {
    static final int BLOCK = 256;

    private final int blockBytes;

    SuperBlockMatrix(Tensor tensor, int blockBytes) {
        super(tensor, tensor.rowLength() / BLOCK * blockBytes);
        this.blockBytes = blockBytes;
    }

    @Override
    final ActivationFormat inputFormat() {
        return ActivationFormat.Q8_K;
    }

    /** This block's weights times activation block {@code xb}, scales applied. */
    abstract float blockDot(byte[] block, Q8KActivations a, int xb);

    /** Writes this block's 256 weights to {@code out[o ..]}. */
    abstract void dequantizeBlock(byte[] block, float[] out, int o);

    @Override
    final float dot(int row, Activations x, int t) {
        Q8KActivations a = (Q8KActivations) x;
        byte[] block = new byte[blockBytes];
        long base = row * rowBytes;
        int blocks = cols / BLOCK;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base + (long) b * blockBytes, block, 0, blockBytes);
            sum += blockDot(block, a, t * blocks + b);
        }
        return sum;
    }

    /** Each block is copied once and multiplied with every input row, for decode steps and prefill batches alike. */
    @Override
    final void multiplyRows(Activations x, int tokens, float[] out, int from, int to) {
        Q8KActivations a = (Q8KActivations) x;
        byte[] block = new byte[blockBytes];
        int blocks = cols / BLOCK;
        float[] sums = new float[tokens];
        for (int r = from; r < to; r++) {
            java.util.Arrays.fill(sums, 0f);
            long base = r * rowBytes;
            for (int b = 0; b < blocks; b++) {
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base + (long) b * blockBytes, block, 0, blockBytes);
                for (int t = 0; t < tokens; t++) {
                    sums[t] += blockDot(block, a, t * blocks + b);
                }
            }
            for (int t = 0; t < tokens; t++) {
                out[t * rows + r] = sums[t];
            }
        }
    }

    @Override
    final void dequantizeRow(int row, float[] out, int offset) {
        byte[] block = new byte[blockBytes];
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base + (long) b * blockBytes, block, 0, blockBytes);
            dequantizeBlock(block, out, offset + b * BLOCK);
        }
    }

    static float half(byte[] b, int i) {
        return Half.f16ToFloat((short) ((b[i] & 0xFF) | (b[i + 1] << 8)));
    }
}
