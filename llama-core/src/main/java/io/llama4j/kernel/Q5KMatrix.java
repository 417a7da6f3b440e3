package io.llama4j.kernel;

import io.llama4j.spi.Tensor;

/**
 * Q5_K: as {@link Q4KMatrix} with a fifth bit per weight,
 * {@code half d; half dmin; uint8 scales[12]; uint8 qh[32]; uint8 qs[128]}. In chunk c, weight l of the low
 * half takes bit 2c of {@code qh[l]}, of the high half bit 2c+1; value = nibble + 16 * bit.
 */
final class Q5KMatrix extends SuperBlockMatrix {
    static final int BLOCK_BYTES = 176;

    Q5KMatrix(Tensor tensor) {
        super(tensor, BLOCK_BYTES);
    }

    private static int low(byte[] block, int c, int l) {
        return (block[48 + 32 * c + l] & 0x0F) + (((block[16 + l] >>> (2 * c)) & 1) << 4);
    }

    private static int high(byte[] block, int c, int l) {
        return ((block[48 + 32 * c + l] & 0xFF) >>> 4) + (((block[16 + l] >>> (2 * c + 1)) & 1) << 4);
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
            int lowSum = 0;
            int highSum = 0;
            for (int l = 0; l < 32; l++) {
                lowSum += low(block, c, l) * a.quants[q + 64 * c + l];
                highSum += high(block, c, l) * a.quants[q + 64 * c + 32 + l];
            }
            sumi += s[2 * c] * lowSum + s[2 * c + 1] * highSum;
        }
        float d = a.scales[xb] * half(block, 0);
        float dmin = a.scales[xb] * half(block, 2);
        return d * sumi - dmin * KQuantScales.minTimesSums(s, a.sums16, xb * 16);
    }

    @Override
    void decodeRows(Q8KActivations a, int token, int from, int to, float[] out) {
        KQuantDots.q5KDecode(data, rowBytes, cols / BLOCK, a, token, from, to, out);
    }

    @Override
    void vectorRows(Q8KActivations a, int t0, int count, int from, int to, float[] out, int at, int stride) {
        IntegerDots.q5KRows(data, rowBytes, cols / BLOCK, a, t0, count, from, to, out, at, stride);
    }

    @Override
    void vectorDequantize(long rowOffset, int first, int blocks, float[] out, int offset) {
        SpanDequantizer.q5K(data, rowOffset, first, blocks, out, offset);
    }

    @Override
    void dequantizeBlock(byte[] block, float[] out, int o) {
        int[] s = new int[KQuantScales.SCRATCH];
        KQuantScales.unpack(block, 4, s);
        float d = half(block, 0);
        float dmin = half(block, 2);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                out[o + 64 * c + l] = d * s[2 * c] * low(block, c, l) - dmin * s[8 + 2 * c];
                out[o + 64 * c + 32 + l] = d * s[2 * c + 1] * high(block, c, l) - dmin * s[8 + 2 * c + 1];
            }
        }
    }
}
