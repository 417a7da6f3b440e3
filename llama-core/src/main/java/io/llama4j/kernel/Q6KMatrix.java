package io.llama4j.kernel;

import io.llama4j.spi.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q6_K: super-blocks of 256 weights, {@code uint8 ql[128]; uint8 qh[64]; int8 scales[16]; half d} (d last),
 * in 16 sub-blocks of 16 with a signed 8-bit scale each. Each half n (128 weights) uses {@code ql[64n..]},
 * {@code qh[32n..]}, {@code scales[8n..]}; weight l, l+32, l+64, l+96 of the half combine a nibble of
 * {@code ql[l]} or {@code ql[l+32]} with two bits of {@code qh[l]}, minus 32, times d * scale.
 */
final class Q6KMatrix extends WeightMatrix {
    static final int BLOCK_BYTES = 210;

    Q6KMatrix(Tensor tensor) {
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
        long base = row * rowBytes;
        float sum = 0;
        for (int b = 0; b < cols / 256; b++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base + (long) b * BLOCK_BYTES, block, 0, BLOCK_BYTES);
            int xb = t * cols / 256 + b;
            int q = xb * 256;
            int sumi = 0;
            for (int n = 0; n < 2; n++) {
                int ql = 64 * n;
                int qh = 128 + 32 * n;
                int sc = 192 + 8 * n;
                int x0 = q + 128 * n;
                int[] partial = new int[8];
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int low = block[ql + l] & 0xFF;
                    int low32 = block[ql + l + 32] & 0xFF;
                    int high = block[qh + l] & 0xFF;
                    partial[is] += (((low & 0xF) | ((high & 3) << 4)) - 32) * a.quants[x0 + l];
                    partial[is + 2] += (((low32 & 0xF) | (((high >>> 2) & 3) << 4)) - 32) * a.quants[x0 + l + 32];
                    partial[is + 4] += (((low >>> 4) | (((high >>> 4) & 3) << 4)) - 32) * a.quants[x0 + l + 64];
                    partial[is + 6] += (((low32 >>> 4) | (((high >>> 6) & 3) << 4)) - 32) * a.quants[x0 + l + 96];
                }
                for (int s = 0; s < 8; s++) {
                    sumi += block[sc + s] * partial[s];
                }
            }
            sum += a.scales[xb] * Half.f16ToFloat(Q4KMatrix.shortAt(block, 208)) * sumi;
        }
        return sum;
    }

    @Override
    void dequantizeRow(int row, float[] out, int offset) {
        byte[] block = new byte[BLOCK_BYTES];
        long base = row * rowBytes;
        for (int b = 0; b < cols / 256; b++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base + (long) b * BLOCK_BYTES, block, 0, BLOCK_BYTES);
            float d = Half.f16ToFloat(Q4KMatrix.shortAt(block, 208));
            for (int n = 0; n < 2; n++) {
                int ql = 64 * n;
                int qh = 128 + 32 * n;
                int sc = 192 + 8 * n;
                int o = offset + b * 256 + 128 * n;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int low = block[ql + l] & 0xFF;
                    int low32 = block[ql + l + 32] & 0xFF;
                    int high = block[qh + l] & 0xFF;
                    out[o + l] = d * block[sc + is] * (((low & 0xF) | ((high & 3) << 4)) - 32);
                    out[o + l + 32] = d * block[sc + is + 2] * (((low32 & 0xF) | (((high >>> 2) & 3) << 4)) - 32);
                    out[o + l + 64] = d * block[sc + is + 4] * (((low >>> 4) | (((high >>> 4) & 3) << 4)) - 32);
                    out[o + l + 96] = d * block[sc + is + 6] * (((low32 >>> 4) | (((high >>> 6) & 3) << 4)) - 32);
                }
            }
        }
    }
}
