package io.llama4j.kernel;

import io.llama4j.spi.Tensor;

/**
 * Q6_K: super-blocks of 256 weights, {@code uint8 ql[128]; uint8 qh[64]; int8 scales[16]; half d} (d last),
 * in 16 sub-blocks of 16 with a signed 8-bit scale each. Each half n (128 weights) uses {@code ql[64n..]},
 * {@code qh[32n..]}, {@code scales[8n..]}; weights l, l+32, l+64, l+96 of the half combine a nibble of
 * {@code ql[l]} or {@code ql[l+32]} with two bits of {@code qh[l]}, minus 32, times d * scale.
 */
final class Q6KMatrix extends SuperBlockMatrix {
    static final int BLOCK_BYTES = 210;

    Q6KMatrix(Tensor tensor) {
        super(tensor, BLOCK_BYTES);
    }

    /** The signed 6-bit value of weight {@code e} (0..255) of the block. */
    private static int value(byte[] block, int e) {
        int n = e / 128;
        int l = e % 32;
        int quarter = (e % 128) / 32;
        int ql = block[64 * n + l + (quarter & 1) * 32] & 0xFF;
        int nibble = quarter < 2 ? ql & 0x0F : ql >>> 4;
        int high = ((block[128 + 32 * n + l] & 0xFF) >>> (2 * quarter)) & 3;
        return (nibble | high << 4) - 32;
    }

    @Override
    float blockDot(byte[] block, int[] scratch, Q8KActivations a, int xb) {
        int q = xb * BLOCK;
        int sumi = 0;
        for (int sub = 0; sub < 16; sub++) {
            int partial = 0;
            for (int i = sub * 16; i < sub * 16 + 16; i++) {
                partial += value(block, i) * a.quants[q + i];
            }
            sumi += block[192 + sub] * partial;
        }
        return a.scales[xb] * half(block, 208) * sumi;
    }

    @Override
    void vectorRows(Q8KActivations a, int t0, int count, int from, int to, float[] out, int at, int stride) {
        IntegerDots.q6KRows(data, rowBytes, cols / BLOCK, a, t0, count, from, to, out, at, stride);
    }

    @Override
    void decodeRows(Q8KActivations a, int token, int from, int to, float[] out) {
        KQuantDots.q6KDecode(data, rowBytes, cols / BLOCK, a, token, from, to, out);
    }

    @Override
    void vectorDequantize(long rowOffset, int first, int blocks, float[] out, int offset) {
        SpanDequantizer.q6K(data, rowOffset, first, blocks, out, offset);
    }

    @Override
    void dequantizeBlock(byte[] block, float[] out, int o) {
        float d = half(block, 208);
        for (int i = 0; i < BLOCK; i++) {
            out[o + i] = d * block[192 + i / 16] * value(block, i);
        }
    }
}
