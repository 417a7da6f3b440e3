package io.llama4j.onnx.graph;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Requantizes dequantized rows to {@code MatMulNBits} blocks of 32, {@code (q - zero) * scale}, and keeps
 * the running error. A block whose values already lie on an evenly spaced grid of at most 2^bits levels (a
 * Q4_K sub-block: {@code d * sc * q - dmin * m}) keeps that grid; any other block spans its minimum to
 * maximum. 4 bits take a float zero point, 8 bits a uint8 one (what ONNX Runtime's CPU kernel takes).
 */
final class Requantizer {
    private static final int BLOCK = WeightEncoder.BLOCK;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Precision precision;
    private final int bits;
    private final int levels;
    private final boolean floatZeros;
    private final float[] sorted = new float[BLOCK];
    private final int[] q = new int[BLOCK];
    private double errorSquares;
    private double sourceSquares;

    Requantizer(Precision precision, int bits, boolean floatZeros) {
        this.precision = precision;
        this.bits = bits;
        this.levels = (1 << bits) - 1;
        this.floatZeros = floatZeros;
    }

    /** rms(new - source) / rms(source) over every row so far. */
    double relativeRmsError() {
        return sourceSquares == 0 ? 0 : Math.sqrt(errorSquares / sourceSquares);
    }

    /** One row of {@code blocks} blocks, written as blocks {@code firstBlock ..} of the three outputs. */
    void row(float[] row, int blocks, long firstBlock, MemorySegment packed, MemorySegment scales, MemorySegment zeros) {
        int blob = BLOCK * bits / 8;
        for (int b = 0; b < blocks; b++) {
            System.arraycopy(row, b * BLOCK, sorted, 0, BLOCK);
            Arrays.sort(sorted);
            float min = sorted[0];
            float scale;
            float zero;
            if (floatZeros) {
                scale = precision.round(gridStep(sorted, levels));
                zero = scale == 0 ? 0 : precision.round(-min / scale);
            } else {
                // An integer zero point: the range must hold 0 so that it falls in 0..levels.
                min = Math.min(min, 0f);
                scale = precision.round((Math.max(sorted[BLOCK - 1], 0f) - min) / levels);
                zero = scale == 0 ? 0 : Math.clamp(Math.round(-min / scale), 0, levels);
            }
            for (int j = 0; j < BLOCK; j++) {
                float x = row[b * BLOCK + j];
                q[j] = scale == 0 ? 0 : Math.clamp(Math.round(x / scale + zero), 0, levels);
                double error = (q[j] - zero) * (double) scale - x;
                errorSquares += error * error;
                sourceSquares += (double) x * x;
            }
            long at = firstBlock + b;
            put(scales, at, scale);
            if (floatZeros) {
                put(zeros, at, zero);
            } else {
                zeros.set(ValueLayout.JAVA_BYTE, at, (byte) zero);
            }
            long out = at * blob;
            if (bits == 4) {
                for (int i = 0; i < 16; i++) {
                    packed.set(ValueLayout.JAVA_BYTE, out + i, (byte) (q[2 * i] | q[2 * i + 1] << 4));
                }
            } else {
                for (int j = 0; j < BLOCK; j++) {
                    packed.set(ValueLayout.JAVA_BYTE, out + j, (byte) q[j]);
                }
            }
        }
    }

    private void put(MemorySegment out, long index, float value) {
        if (precision == Precision.FP32) {
            out.set(FLOAT_LE, index * 4, value);
        } else {
            out.set(SHORT_LE, index * 2, Float.floatToFloat16(value));
        }
    }

    /**
     * The spacing of the grid the sorted block's values lie on, when they lie on one of at most {@code levels}
     * steps (the smallest gap between distinct values, checked against every value); otherwise the
     * min-to-max range over {@code levels}.
     */
    private static float gridStep(float[] sorted, int levels) {
        float range = sorted[sorted.length - 1] - sorted[0];
        if (range == 0) {
            return 0;
        }
        float step = Float.POSITIVE_INFINITY;
        for (int i = 1; i < sorted.length; i++) {
            float gap = sorted[i] - sorted[i - 1];
            if (gap > range * 1e-4f) {
                step = Math.min(step, gap);
            }
        }
        float steps = range / step;
        if (steps <= levels + 1e-3f) {
            boolean onGrid = true;
            for (float v : sorted) {
                float t = (v - sorted[0]) / step;
                onGrid &= Math.abs(t - Math.round(t)) < 1e-3f;
            }
            if (onGrid) {
                return step;
            }
        }
        return range / levels;
    }
}
