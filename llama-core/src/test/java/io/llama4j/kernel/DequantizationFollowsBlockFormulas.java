package io.llama4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llama4j.UnsupportedModelException;
import io.llama4j.spi.Tensor;
import io.llama4j.spi.TensorType;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each block type dequantizes as the formulas of the reference sheet (section 3.3, from ggml-common.h and
 * ggml-quants.c) say, and its integer dot product with quantized activations equals the float dot product of
 * the dequantized weights with the dequantized activations. Blocks are built field by field here, with
 * chosen codes, so each expected value is computed from the formula, not from the kernel.
 */
class DequantizationFollowsBlockFormulas {
    private final Random random = new Random(7);

    private static short f16(float v) {
        return Float.floatToFloat16(v);
    }

    private static void putHalf(byte[] b, int at, float v) {
        short h = f16(v);
        b[at] = (byte) h;
        b[at + 1] = (byte) (h >> 8);
    }

    private static WeightMatrix matrix(TensorType type, byte[] bytes, int cols) {
        long rows = bytes.length / type.byteSize(cols);
        return WeightMatrix.of(new Tensor("w", type, new long[] {cols, rows}, MemorySegment.ofArray(bytes)), Path.of("test"));
    }

    private static float[] row(WeightMatrix w, int r) {
        float[] out = new float[w.cols];
        w.dequantizeRow(r, out, 0);
        return out;
    }

    @Test
    void q8_0IsScaleTimesSignedByte() {
        byte[] b = new byte[34];
        putHalf(b, 0, 0.25f);
        float[] expected = new float[32];
        for (int j = 0; j < 32; j++) {
            b[2 + j] = (byte) (j * 8 - 128);
            expected[j] = 0.25f * (j * 8 - 128);
        }
        assertArrayEquals(expected, row(matrix(TensorType.Q8_0, b, 32), 0));
    }

    @Test
    void q4_0LowNibblesAreTheFirstHalf() {
        byte[] b = new byte[18];
        putHalf(b, 0, 0.5f);
        float[] expected = new float[32];
        for (int j = 0; j < 16; j++) {
            int lo = j;
            int hi = 15 - j;
            b[2 + j] = (byte) (lo | hi << 4);
            expected[j] = 0.5f * (lo - 8);
            expected[j + 16] = 0.5f * (hi - 8);
        }
        assertArrayEquals(expected, row(matrix(TensorType.Q4_0, b, 32), 0));
    }

    @Test
    void bf16AndF16AreWidened() {
        byte[] bf = {(byte) 0x80, 0x3f, 0x00, (byte) 0xc0}; // little-endian 0x3f80 = 1.0, 0xc000 = -2.0
        assertArrayEquals(new float[] {1f, -2f}, row(matrix(TensorType.BF16, bf, 2), 0));
        byte[] h = new byte[4];
        putHalf(h, 0, 1.5f);
        putHalf(h, 2, -0.125f);
        assertArrayEquals(new float[] {1.5f, -0.125f}, row(matrix(TensorType.F16, h, 2), 0));
    }

    /** Packs 8 six-bit scales and mins as get_scale_min_k4 reads them. */
    private static byte[] packScales(int[] sc, int[] mn) {
        byte[] q = new byte[12];
        for (int j = 0; j < 4; j++) {
            q[j] = (byte) ((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
            q[j + 4] = (byte) ((mn[j] & 63) | ((mn[j + 4] >> 4) << 6));
            q[j + 8] = (byte) ((sc[j + 4] & 15) | ((mn[j + 4] & 15) << 4));
        }
        return q;
    }

    @Test
    void q4_kUsesSixBitScalesAndMinsPerSubBlock() {
        int[] sc = {1, 7, 13, 63, 32, 45, 17, 60};
        int[] mn = {0, 5, 63, 21, 48, 2, 33, 9};
        byte[] b = new byte[144];
        putHalf(b, 0, 0.125f);
        putHalf(b, 2, 0.0625f);
        System.arraycopy(packScales(sc, mn), 0, b, 4, 12);
        int[] codes = new int[256];
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int lo = random.nextInt(16);
                int hi = random.nextInt(16);
                b[16 + 32 * c + l] = (byte) (lo | hi << 4);
                codes[64 * c + l] = lo;
                codes[64 * c + 32 + l] = hi;
            }
        }
        float[] expected = new float[256];
        for (int i = 0; i < 256; i++) {
            int sub = i / 32;
            expected[i] = 0.125f * sc[sub] * codes[i] - 0.0625f * mn[sub];
        }
        assertArrayEquals(expected, row(matrix(TensorType.Q4_K, b, 256), 0), 1e-6f);
    }

    @Test
    void q5_kTakesTheFifthBitFromQh() {
        int[] sc = {3, 9, 27, 63, 40, 1, 2, 50};
        int[] mn = {7, 0, 1, 62, 20, 30, 40, 63};
        byte[] b = new byte[176];
        putHalf(b, 0, 0.25f);
        putHalf(b, 2, 0.5f);
        System.arraycopy(packScales(sc, mn), 0, b, 4, 12);
        int[] codes = new int[256];
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int lo = random.nextInt(32);
                int hi = random.nextInt(32);
                b[48 + 32 * c + l] = (byte) ((lo & 15) | (hi & 15) << 4);
                b[16 + l] |= (byte) (((lo >> 4) << (2 * c)) | ((hi >> 4) << (2 * c + 1)));
                codes[64 * c + l] = lo;
                codes[64 * c + 32 + l] = hi;
            }
        }
        float[] expected = new float[256];
        for (int i = 0; i < 256; i++) {
            expected[i] = 0.25f * sc[i / 32] * codes[i] - 0.5f * mn[i / 32];
        }
        assertArrayEquals(expected, row(matrix(TensorType.Q5_K, b, 256), 0), 1e-6f);
    }

    @Test
    void q6_kCombinesNibblesAndTwoHighBitsWithSignedScales() {
        byte[] b = new byte[210];
        int[] scales = new int[16];
        for (int s = 0; s < 16; s++) {
            scales[s] = random.nextInt(256) - 128;
            b[192 + s] = (byte) scales[s];
        }
        putHalf(b, 208, 0.03125f);
        int[] codes = new int[256]; // 6-bit codes, element order
        for (int i = 0; i < 256; i++) {
            codes[i] = random.nextInt(64);
        }
        for (int n = 0; n < 2; n++) {
            for (int l = 0; l < 32; l++) {
                int e = 128 * n + l;
                int q1 = codes[e];
                int q2 = codes[e + 32];
                int q3 = codes[e + 64];
                int q4 = codes[e + 96];
                b[64 * n + l] = (byte) ((q1 & 15) | (q3 & 15) << 4);
                b[64 * n + l + 32] = (byte) ((q2 & 15) | (q4 & 15) << 4);
                b[128 + 32 * n + l] = (byte) ((q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6);
            }
        }
        float[] expected = new float[256];
        for (int i = 0; i < 256; i++) {
            expected[i] = 0.03125f * scales[i / 16] * (codes[i] - 32);
        }
        assertArrayEquals(expected, row(matrix(TensorType.Q6_K, b, 256), 0), 1e-6f);
    }

    @Test
    void integerDotProductsEqualFloatDotProductsOfDequantizedValues() {
        int cols = 512;
        float[] x = new float[2 * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (TensorType type : new TensorType[] {TensorType.Q8_0, TensorType.Q4_0, TensorType.Q4_K, TensorType.Q5_K, TensorType.Q6_K}) {
            byte[] bytes = new byte[(int) type.byteSize(cols) * 3];
            random.nextBytes(bytes);
            int blockBytes = type.bytesPerBlock();
            int dOffset = type == TensorType.Q6_K ? 208 : 0;
            for (int at = 0; at < bytes.length; at += blockBytes) {
                putHalf(bytes, at + dOffset, 0.01f + random.nextFloat() * 0.01f); // sane scales, not NaN
                if (type == TensorType.Q4_K || type == TensorType.Q5_K) {
                    putHalf(bytes, at + 2, random.nextFloat() * 0.01f);
                }
            }
            WeightMatrix w = matrix(type, bytes, cols);
            Activations a = Activations.prepare(x, 2, cols, w.inputFormat());
            float[] xq = dequantizedActivations(a, x.length);
            for (int r = 0; r < 3; r++) {
                float[] wr = row(w, r);
                for (int t = 0; t < 2; t++) {
                    double expected = 0;
                    for (int i = 0; i < cols; i++) {
                        expected += (double) wr[i] * xq[t * cols + i];
                    }
                    float actual = w.dot(r, a, t);
                    assertEquals(expected, actual, 1e-4 * Math.max(1, Math.abs(expected)), type + " row " + r + " token " + t);
                }
            }
        }
    }

    @Test
    void batchedRowsEqualOneTokenAtATime() {
        int cols = 512;
        int tokens = 7; // not a multiple of the kernel's tile of four
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (TensorType type : new TensorType[] {TensorType.F32, TensorType.BF16, TensorType.Q8_0, TensorType.Q4_0, TensorType.Q4_K, TensorType.Q6_K}) {
            byte[] bytes = new byte[(int) type.byteSize(cols) * 5];
            random.nextBytes(bytes);
            int dOffset = type == TensorType.Q6_K ? 208 : 0;
            for (int at = 0; at < bytes.length; at += type.bytesPerBlock()) {
                if (type.blockSize() > 1) {
                    putHalf(bytes, at + dOffset, 0.01f);
                    if (type == TensorType.Q4_K) {
                        putHalf(bytes, at + 2, 0.005f);
                    }
                } else if (type == TensorType.F32 && at % 4 == 0) {
                    java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(at, (float) random.nextGaussian());
                } else if (type == TensorType.BF16) {
                    bytes[at + 1] = (byte) (0x3c + random.nextInt(4)); // exponent of a sane magnitude
                }
            }
            WeightMatrix w = matrix(type, bytes, cols);
            Activations a = Activations.prepare(x, tokens, cols, w.inputFormat());
            float[] batched = new float[tokens * w.rows];
            w.multiplyRows(a, tokens, batched, 0, w.rows);
            for (int r = 0; r < w.rows; r++) {
                for (int t = 0; t < tokens; t++) {
                    float single = w.dot(r, a, t);
                    assertEquals(single, batched[t * w.rows + r], 1e-5f * Math.max(1, Math.abs(single)), type + " row " + r + " token " + t);
                }
            }
        }
    }

    private static float[] dequantizedActivations(Activations a, int n) {
        float[] out = new float[n];
        if (a instanceof Q8_0Activations q) {
            for (int i = 0; i < n; i++) {
                out[i] = q.quants[i] * q.scales[i / 32];
            }
        } else if (a instanceof Q8KActivations q) {
            for (int i = 0; i < n; i++) {
                out[i] = q.quants[i] * q.scales[i / 256];
            }
        }
        return out;
    }

    @Test
    void q8_kActivationsMapTheLargestMagnitudeToMinus127() {
        float[] x = new float[256];
        x[3] = 2.54f;
        x[10] = -1.27f;
        Q8KActivations q = (Q8KActivations) Activations.prepare(x, 1, 256, ActivationFormat.Q8_K);
        assertEquals(-127, q.quants[3]);
        assertEquals(64, q.quants[10]); // -1.27 * (-127 / 2.54) = 63.5, rounded half to even -> 64
        assertEquals(-0.02f, q.scales[0], 1e-7f);
        assertEquals(-127 + 64, q.sums16[0]);
    }

    @Test
    void typesWithoutAKernelAreRefusedByName() {
        Tensor t = new Tensor("blk.3.ffn_up.weight", TensorType.IQ2_XXS, new long[] {256, 1}, MemorySegment.ofArray(new byte[66]));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> WeightMatrix.of(t, Path.of("m.gguf")));
        assertTrue(e.getMessage().contains("blk.3.ffn_up.weight") && e.getMessage().contains("IQ2_XXS"), e.getMessage());
    }
}
