package io.llama4j.kernel;

import io.llama4j.spi.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_K: super-blocks of 256 weights, {@code half d; half dmin; uint8 scales[12]; uint8 qs[128]}, in eight
 * sub-blocks of 32 with 6-bit scale and min each. Chunk c (64 weights) uses {@code qs[32c ..< 32c+32]}: low
 * nibbles are sub-block 2c, high nibbles sub-block 2c+1; weight = d * scale * q - dmin * min.
 */
final class Q4KMatrix extends WeightMatrix {
    static final int BLOCK_BYTES = 144;

    Q4KMatrix(Tensor tensor) {
        super(tensor, tensor.rowLength() / 256 * BLOCK_BYTES);
    }

    @Override
    ActivationFormat inputFormat() {
        return ActivationFormat.Q8_K;
    }

    @Override
    float dot(int row, Activations x, int t) {
        Q8KActivations a = (Q8KActivations) x;
        byte[] block = new byte[BLOCK_BYTES];
        int[] scales = new int[8];
        int[] mins = new int[8];
        byte[] packed = new byte[12];
        long base = row * rowBytes;
        int blocks = cols / 256;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base + (long) b * BLOCK_BYTES, block, 0, BLOCK_BYTES);
            System.arraycopy(block, 4, packed, 0, 12);
            KQuantScales.unpack(packed, scales, mins);
            int xb = t * cols / 256 + b;
            int q = xb * 256;
            int sumi = 0;
            int summ = 0;
            for (int c = 0; c < 4; c++) {
                int low = 0;
                int high = 0;
                for (int l = 0; l < 32; l++) {
                    int packedQ = block[16 + 32 * c + l] & 0xFF;
                    low += (packedQ & 0x0F) * a.quants[q + 64 * c + l];
                    high += (packedQ >>> 4) * a.quants[q + 64 * c + 32 + l];
                }
                sumi += scales[2 * c] * low + scales[2 * c + 1] * high;
                int s16 = xb * 16 + 4 * c;
                summ += mins[2 * c] * (a.sums16[s16] + a.sums16[s16 + 1])
                        + mins[2 * c + 1] * (a.sums16[s16 + 2] + a.sums16[s16 + 3]);
            }
            float d = a.scales[xb] * Half.f16ToFloat(shortAt(block, 0));
            float dmin = a.scales[xb] * Half.f16ToFloat(shortAt(block, 2));
            sum += d * sumi - dmin * summ;
        }
        return sum;
    }

    @Override
    void dequantizeRow(int row, float[] out, int offset) {
        byte[] block = new byte[BLOCK_BYTES];
        int[] scales = new int[8];
        int[] mins = new int[8];
        byte[] packed = new byte[12];
        long base = row * rowBytes;
        for (int b = 0; b < cols / 256; b++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base + (long) b * BLOCK_BYTES, block, 0, BLOCK_BYTES);
            System.arraycopy(block, 4, packed, 0, 12);
            KQuantScales.unpack(packed, scales, mins);
            float d = Half.f16ToFloat(shortAt(block, 0));
            float dmin = Half.f16ToFloat(shortAt(block, 2));
            int o = offset + b * 256;
            for (int c = 0; c < 4; c++) {
                float d1 = d * scales[2 * c];
                float m1 = dmin * mins[2 * c];
                float d2 = d * scales[2 * c + 1];
                float m2 = dmin * mins[2 * c + 1];
                for (int l = 0; l < 32; l++) {
                    int packedQ = block[16 + 32 * c + l] & 0xFF;
                    out[o + 64 * c + l] = d1 * (packedQ & 0x0F) - m1;
                    out[o + 64 * c + 32 + l] = d2 * (packedQ >>> 4) - m2;
                }
            }
        }
    }

    static short shortAt(byte[] b, int i) {
        return (short) ((b[i] & 0xFF) | (b[i + 1] << 8));
    }
}
