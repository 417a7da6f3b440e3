package io.llama4j.kernel;

import io.llama4j.spi.Tensor;
import io.llama4j.spi.TensorType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Random weight matrices of any supported block type, in native memory like a mapped file, with finite
 * scales so the timings are those of real data.
 */
final class SyntheticWeights {
    private SyntheticWeights() {
    }

    static WeightMatrix matrix(Arena arena, TensorType type, int rows, int cols, long seed) {
        Random random = new Random(seed);
        long bytes = type.byteSize((long) rows * cols);
        MemorySegment data = arena.allocate(bytes, 64);
        byte[] chunk = new byte[(int) Math.min(bytes, 1 << 20)];
        for (long at = 0; at < bytes; at += chunk.length) {
            random.nextBytes(chunk);
            MemorySegment.copy(chunk, 0, data, ValueLayout.JAVA_BYTE, at, (int) Math.min(chunk.length, bytes - at));
        }
        int block = type.bytesPerBlock();
        switch (type) {
            case F32 -> {
                for (long i = 0; i < bytes; i += 4) {
                    data.set(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) random.nextGaussian() * 0.02f);
                }
            }
            case F16, BF16 -> {
                for (long i = 0; i < bytes; i += 2) {
                    float v = (float) random.nextGaussian() * 0.02f;
                    short bits = type == TensorType.F16 ? Float.floatToFloat16(v) : Half.floatToBf16(v);
                    data.set(ValueLayout.JAVA_SHORT_UNALIGNED, i, bits);
                }
            }
            default -> {
                long scaleAt = type == TensorType.Q6_K ? 208 : 0;
                for (long b = 0; b < bytes; b += block) {
                    data.set(ValueLayout.JAVA_SHORT_UNALIGNED, b + scaleAt, Float.floatToFloat16(0.001f + random.nextFloat() * 0.001f));
                    if (type == TensorType.Q4_K || type == TensorType.Q5_K) {
                        data.set(ValueLayout.JAVA_SHORT_UNALIGNED, b + 2, Float.floatToFloat16(random.nextFloat() * 0.001f));
                    }
                }
            }
        }
        return WeightMatrix.of(new Tensor("bench", type, new long[] {cols, rows}, data), java.nio.file.Path.of("synthetic"));
    }

    static float[] activations(int count, long seed) {
        Random random = new Random(seed);
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }
}
