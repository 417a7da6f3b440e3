package io.llama4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llama4j.spi.Tensor;
import io.llama4j.spi.TensorType;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one-input-row (decode) K-quant kernels, which keep the sub-block sums in 16-bit lanes and apply scales,
 * minimums and Q6_K's -32 in int lanes, give the dot product of the dequantized weights
 * ({@link WeightMatrix#dequantizeRow}, the block formulas) with the dequantized Q8_K activations. The blocks
 * include the extremes that would overflow a short or an int if a bound were wrong: every quant at its
 * maximum, scales and minimums at 63, Q6_K scales at -128 and 127, activations all at +-127.
 */
class KQuantDecodeEqualsTheDequantizedDot {
    private static final int COLS = 1024;
    private static final int ROWS = 6;

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"Q4_K", "Q5_K", "Q6_K"})
    void decodeRowsEqualTheDequantizedDot(TensorType type) {
        Random random = new Random(41);
        WeightMatrix w = matrix(type, random);
        for (float[] x : activations(random)) {
            Q8KActivations a = (Q8KActivations) Activations.prepare(x, 1, COLS, w.inputFormat());
            float[] out = new float[ROWS];
            w.multiplyRows(a, 1, out, 0, ROWS); // one input row: the decode kernel
            float[] weights = new float[COLS];
            for (int r = 0; r < ROWS; r++) {
                w.dequantizeRow(r, weights, 0);
                double expected = 0;
                double magnitude = 0;
                for (int i = 0; i < COLS; i++) {
                    double term = (double) weights[i] * a.quants[i] * a.scales[i / Q8KActivations.BLOCK];
                    expected += term;
                    magnitude += Math.abs(term);
                }
                assertEquals(expected, out[r], 1e-5 * Math.max(1, magnitude), type + " row " + r);
            }
        }
    }

    /** Rows 0-1 random, 2 all-maximum quants with the largest scales, 3-5 mixed extremes. */
    private static WeightMatrix matrix(TensorType type, Random random) {
        int blockBytes = type.bytesPerBlock();
        int blocksPerRow = COLS / 256;
        byte[] bytes = new byte[ROWS * blocksPerRow * blockBytes];
        random.nextBytes(bytes);
        for (int r = 0; r < ROWS; r++) {
            for (int b = 0; b < blocksPerRow; b++) {
                int at = (r * blocksPerRow + b) * blockBytes;
                if (r == 2 || (r >= 3 && random.nextBoolean())) {
                    java.util.Arrays.fill(bytes, at, at + blockBytes, (byte) 0xFF); // quants, scales, mins at maximum
                }
                if (type == TensorType.Q6_K) {
                    if (r >= 3) {
                        for (int s = 0; s < 16; s++) {
                            bytes[at + 192 + s] = (byte) (random.nextBoolean() ? -128 : 127);
                        }
                    } else if (r == 2) {
                        java.util.Arrays.fill(bytes, at + 192, at + 208, (byte) -128);
                    }
                    putHalf(bytes, at + 208, 0.01f);
                } else {
                    putHalf(bytes, at, 0.01f);
                    putHalf(bytes, at + 2, 0.004f);
                }
            }
        }
        return WeightMatrix.of(new Tensor("w", type, new long[] {COLS, ROWS}, MemorySegment.ofArray(bytes)), Path.of("test"));
    }

    /** Gaussian activations, then ones of a single magnitude (every quant +-127) in three sign patterns. */
    private static float[][] activations(Random random) {
        float[][] xs = new float[4][COLS];
        for (int i = 0; i < COLS; i++) {
            xs[0][i] = (float) random.nextGaussian();
            xs[1][i] = 1f;
            xs[2][i] = -1f;
            xs[3][i] = random.nextBoolean() ? 1f : -1f;
        }
        return xs;
    }

    private static void putHalf(byte[] b, int at, float v) {
        short h = Float.floatToFloat16(v);
        b[at] = (byte) h;
        b[at + 1] = (byte) (h >> 8);
    }
}
