package io.llama4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llama4j.spi.Tensor;
import io.llama4j.spi.TensorType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The prefill GEMM over dequantized panels: every span it dequantizes holds exactly the bits of the
 * matrix's own (scalar, block-formula) {@code dequantizeRow}, and every output is the dot product of a
 * dequantized row with a float input row, computed here in double precision, for token counts that are
 * and are not multiples of the sixteen-token group and row ranges that are not multiples of the micro-tile.
 * Random blocks with finite scales, so every code of every field is exercised.
 */
class PanelGemmMultipliesDequantizedWeights {
    private static final int COLS = 512;
    private static final int ROWS = 23;

    private static WeightMatrix randomMatrix(TensorType type, int rows, int cols, long seed) {
        Random random = new Random(seed);
        byte[] bytes = new byte[Math.toIntExact(type.byteSize((long) rows * cols))];
        random.nextBytes(bytes);
        MemorySegment data = MemorySegment.ofArray(bytes);
        switch (type) {
            case F32 -> {
                for (int i = 0; i < bytes.length; i += 4) {
                    data.set(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) random.nextGaussian());
                }
            }
            case F16, BF16 -> {
                for (int i = 0; i < bytes.length; i += 2) {
                    float v = (float) random.nextGaussian();
                    data.set(ValueLayout.JAVA_SHORT_UNALIGNED, i, type == TensorType.F16 ? Float.floatToFloat16(v) : Half.floatToBf16(v));
                }
            }
            default -> {
                int block = type.bytesPerBlock();
                int scaleAt = type == TensorType.Q6_K ? 208 : 0;
                for (int b = 0; b < bytes.length; b += block) {
                    data.set(ValueLayout.JAVA_SHORT_UNALIGNED, b + scaleAt, Float.floatToFloat16(random.nextFloat() - 0.5f));
                    if (type == TensorType.Q4_K || type == TensorType.Q5_K) {
                        data.set(ValueLayout.JAVA_SHORT_UNALIGNED, b + 2, Float.floatToFloat16(random.nextFloat()));
                    }
                }
            }
        }
        return WeightMatrix.of(new Tensor("w", type, new long[] {cols, rows}, data), Path.of("test"));
    }

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void everySpanHoldsTheBitsOfItsRow(TensorType type) {
        WeightMatrix w = randomMatrix(type, ROWS, COLS, 3);
        float[] row = new float[COLS];
        int step = type.blockSize() == 32 ? 32 : 256;
        for (int r = 0; r < ROWS; r++) {
            w.dequantizeRow(r, row, 0);
            for (int col = 0; col < COLS; col += step) {
                for (int count = step; col + count <= COLS; count += step) {
                    float[] span = new float[count + 3];
                    w.dequantizeSpan(r, col, count, span, 3);
                    for (int i = 0; i < count; i++) {
                        assertEquals(Float.floatToRawIntBits(row[col + i]), Float.floatToRawIntBits(span[3 + i]),
                                type + " row " + r + " column " + (col + i) + ": " + row[col + i] + " vs " + span[3 + i]);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void everyOutputIsADequantizedRowTimesAnInputRow(TensorType type) {
        // The GEMM is the Vector API's prefill path; the scalar kernel's test run has no such path to check.
        assumeTrue(VectorSupport.ENABLED, "the panel GEMM needs jdk.incubator.vector");
        WeightMatrix w = randomMatrix(type, ROWS, COLS, 5);
        Random random = new Random(9);
        for (int tokens : new int[] {1, 5, 16, 17, 40}) {
            float[] x = new float[tokens * COLS];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            TokenPanels panels = TokenPanels.of(x, tokens, COLS);
            float[] out = new float[tokens * ROWS];
            float[] scalar = new float[tokens * ROWS];
            // Two ranges, the first ending inside a micro-tile, as two threads would split the rows.
            PanelGemm.multiply(w, panels, out, 0, 7);
            PanelGemm.multiply(w, panels, out, 7, ROWS);
            PanelGemm.scalarMultiply(w, panels, scalar, 0, ROWS);
            float[] row = new float[COLS];
            for (int r = 0; r < ROWS; r++) {
                w.dequantizeRow(r, row, 0);
                for (int t = 0; t < tokens; t++) {
                    double exact = 0;
                    double magnitude = 0;
                    for (int k = 0; k < COLS; k++) {
                        exact += (double) row[k] * x[t * COLS + k];
                        magnitude += Math.abs((double) row[k] * x[t * COLS + k]);
                    }
                    double bound = 1e-5 * magnitude + 1e-6;
                    String where = type + " x " + tokens + " tokens, row " + r + ", token " + t;
                    assertTrue(Math.abs(out[t * ROWS + r] - exact) <= bound, where + ": " + out[t * ROWS + r] + " vs " + exact);
                    assertTrue(Math.abs(scalar[t * ROWS + r] - exact) <= bound, where + " (scalar): " + scalar[t * ROWS + r] + " vs " + exact);
                }
            }
        }
    }
}
