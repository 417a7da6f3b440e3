package io.llama4j.kernel;

import io.llama4j.spi.Tensor;

/**
 * Q4_0: blocks of 32 weights, {@code half d; uint8 qs[16]}. Low nibbles hold elements 0..15, high nibbles
 * 16..31; weight = d * (nibble - 8).
 */
final class Q4_0Matrix extends Q8_0InputMatrix {
    static final int BLOCK_BYTES = 18;

    Q4_0Matrix(Tensor tensor) {
        super(tensor, BLOCK_BYTES);
    }

    @Override
    int blockIntDot(long block, byte[] quants, int q) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            int packed = ubyteAt(block + 2 + j);
            isum += ((packed & 0x0F) - 8) * quants[q + j] + ((packed >>> 4) - 8) * quants[q + j + 16];
        }
        return isum;
    }

    @Override
    float vectorDot(long rowOffset, Q8_0Activations a, int token) {
        return IntegerDots.q4_0(data, rowOffset, a, token, cols / 32);
    }

    @Override
    void vectorPair(long row0, long row1, Q8_0Activations a, int firstToken, int count, float[] acc, float[] out,
                    int at, int stride) {
        IntegerDots.q4_0Pair(data, row0, row1, a, firstToken, count, cols / 32, acc, out, at, stride);
    }

    @Override
    void dequantizeRow(int row, float[] out, int offset) {
        dequantizeScalar(row * rowBytes, 0, cols / 32, out, offset);
    }

    @Override
    void dequantizeSpan(int row, int col, int count, float[] out, int offset) {
        if (VectorSupport.ENABLED) {
            SpanDequantizer.q4_0(data, row * rowBytes, col / 32, count / 32, out, offset);
        } else {
            dequantizeScalar(row * rowBytes, col / 32, count / 32, out, offset);
        }
    }

    private void dequantizeScalar(long base, int first, int blocks, float[] out, int offset) {
        for (int b = 0; b < blocks; b++) {
            long block = base + (long) (first + b) * BLOCK_BYTES;
            float d = f16At(block);
            for (int j = 0; j < 16; j++) {
                int packed = ubyteAt(block + 2 + j);
                out[offset + b * 32 + j] = d * ((packed & 0x0F) - 8);
                out[offset + b * 32 + j + 16] = d * ((packed >>> 4) - 8);
            }
        }
    }
}
