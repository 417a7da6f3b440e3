package io.llama4j.kernel;

import io.llama4j.spi.Tensor;

/**
 * Q4_K: super-blocks of 256 weights, {@code half d; half dmin; uint8 scales[12]; uint8 qs[128]}, in eight
 * sub-blocks of 32 with 6-bit scale and min each. Chunk c (64 weights) uses {@code qs[32c ..< 32c+32]}: low
 * nibbles are sub-block 2c, high nibbles sub-block 2c+1; weight = d * scale * q - dmin * min.
 */
final class Q4KMatrix extends SuperBlockMatrix {
    static final int BLOCK_BYTES = 144;

    Q4KMatrix(Tensor tensor) {
        super(tensor, BLOCK_BYTES);
    }

    @Override
    void prepareBlock(byte[] block, int[] scratch) {
        KQuantScales.unpack(block, 4, scratch);
    }

    @Override
    float blockDot(byte[] block, int[] s, Q8KActivations a, int xb) {
        int q = xb * BLOCK;
        int sumi = 0;
        for (int c = 0; c < 4; c++) {
            int low = 0;
            int high = 0;
            for (int l = 0; l < 32; l++) {
                int packed = block[16 + 32 * c + l] & 0xFF;
                low += (packed & 0x0F) * a.quants[q + 64 * c + l];
                high += (packed >>> 4) * a.quants[q + 64 * c + 32 + l];
            }
            sumi += s[2 * c] * low + s[2 * c + 1] * high;
        }
        float d = a.scales[xb] * half(block, 0);
        float dmin = a.scales[xb] * half(block, 2);
        return d * sumi - dmin * KQuantScales.minTimesSums(s, a.sums16, xb * 16);
    }

    @Override
    void decodeRows(Q8KActivations a, int token, int from, int to, float[] out) {
        KQuantDots.q4KDecode(data, rowBytes, cols / BLOCK, a, token, from, to, out);
    }

    @Override
    void vectorRows(Q8KActivations a, int t0, int count, int from, int to, float[] out, int at, int stride) {
        IntegerDots.q4KRows(data, rowBytes, cols / BLOCK, a, t0, count, from, to, out, at, stride);
    }

    @Override
    void vectorDequantize(long rowOffset, int first, int blocks, float[] out, int offset) {
        SpanDequantizer.q4K(data, rowOffset, first, blocks, out, offset);
    }

    @Override
    void dequantizeBlock(byte[] block, float[] out, int o) {
        int[] s = new int[KQuantScales.SCRATCH];
        KQuantScales.unpack(block, 4, s);
        float d = half(block, 0);
        float dmin = half(block, 2);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int packed = block[16 + 32 * c + l] & 0xFF;
                out[o + 64 * c + l] = d * s[2 * c] * (packed & 0x0F) - dmin * s[8 + 2 * c];
                out[o + 64 * c + 32 + l] = d * s[2 * c + 1] * (packed >>> 4) - dmin * s[8 + 2 * c + 1];
            }
        }
    }
}
