package io.llama4j.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Quantized blocks dequantized eight weights at a time, straight from mapped memory, for the float GEMM's
 * panels ({@link PanelGemm}). Eight bytes are sign-extended to eight int lanes ({@code vpmovsxbd}), the
 * type's bits are cut out there, converted to float and scaled. Each weight is computed with the same float
 * operations in the same order as the type's scalar {@code dequantizeRow} (a product of the scales, then
 * the quant, then the minimum subtracted, never fused), so both write the same bits. Only loaded when
 * {@link VectorSupport#ENABLED}.
 */
final class SpanDequantizer {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;
    private static final ThreadLocal<int[]> SCALES = ThreadLocal.withInitial(() -> new int[KQuantScales.SCRATCH]);
    private static final ThreadLocal<float[]> GROUP_SCALES = ThreadLocal.withInitial(() -> new float[16]);
    private static final ThreadLocal<byte[]> QUANTS = ThreadLocal.withInitial(() -> new byte[SuperBlockMatrix.BLOCK]);
    /** Per byte of a long: its low nibble, its low two bits. */
    private static final long NIBBLES = 0x0F0F0F0F0F0F0F0FL;
    private static final long PAIRS = 0x0303030303030303L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private SpanDequantizer() {
    }

    /** Eight bytes at {@code at}, sign-extended to ints. */
    private static IntVector bytes(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B8, w, at, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    private static FloatVector floats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** Q8_0 blocks {@code first ..< first + blocks} of the row at {@code row}: weight = d * q. */
    static void q8_0(MemorySegment w, long row, int first, int blocks, float[] out, int o) {
        for (int b = 0; b < blocks; b++) {
            long block = row + (long) (first + b) * Q8_0Matrix.BLOCK_BYTES;
            float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block));
            int at = o + 32 * b;
            for (int j = 0; j < 32; j += 8) {
                floats(bytes(w, block + 2 + j)).mul(d).intoArray(out, at + j);
            }
        }
    }

    /** Q4_0 blocks: low nibbles are weights 0..15, high nibbles 16..31; weight = d * (nibble - 8). */
    static void q4_0(MemorySegment w, long row, int first, int blocks, float[] out, int o) {
        for (int b = 0; b < blocks; b++) {
            long block = row + (long) (first + b) * Q4_0Matrix.BLOCK_BYTES;
            float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block));
            int at = o + 32 * b;
            q4_0Eight(w, block + 2, d, out, at);
            q4_0Eight(w, block + 10, d, out, at + 8);
        }
    }

    private static void q4_0Eight(MemorySegment w, long packedAt, float d, float[] out, int at) {
        IntVector packed = bytes(w, packedAt);
        floats(packed.and(0x0F).sub(8)).mul(d).intoArray(out, at);
        floats(packed.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8)).mul(d).intoArray(out, at + 16);
    }

    /** Q4_K super-blocks (see {@link Q4KMatrix}): weight = d * scale * q - dmin * min. */
    static void q4K(MemorySegment w, long row, int first, int blocks, float[] out, int o) {
        int[] s = SCALES.get();
        float[] groupScales = GROUP_SCALES.get();
        for (int b = 0; b < blocks; b++) {
            long block = row + (long) (first + b) * Q4KMatrix.BLOCK_BYTES;
            float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block));
            float dmin = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block + 2));
            KQuantScales.unpack(w, block + 4, s, groupScales);
            int at = o + 256 * b;
            for (int c = 0; c < 4; c++) {
                float lowScale = d * s[2 * c];
                float highScale = d * s[2 * c + 1];
                float lowMin = dmin * s[8 + 2 * c];
                float highMin = dmin * s[8 + 2 * c + 1];
                for (int l = 0; l < 32; l += 8) {
                    q4KEight(w, block + 16 + 32 * c + l, lowScale, lowMin, highScale, highMin, out, at + 64 * c + l);
                }
            }
        }
    }

    /** Eight packed bytes: low nibbles to {@code out[at ..]}, high nibbles to {@code out[at + 32 ..]}. */
    private static void q4KEight(MemorySegment w, long packedAt, float lowScale, float lowMin, float highScale,
                                 float highMin, float[] out, int at) {
        IntVector packed = bytes(w, packedAt);
        floats(packed.and(0x0F)).mul(lowScale).sub(lowMin).intoArray(out, at);
        floats(packed.lanewise(VectorOperators.ASHR, 4).and(0x0F)).mul(highScale).sub(highMin).intoArray(out, at + 32);
    }

    /** Q5_K super-blocks (see {@link Q5KMatrix}): as Q4_K with a fifth bit from {@code qh}. */
    static void q5K(MemorySegment w, long row, int first, int blocks, float[] out, int o) {
        int[] s = SCALES.get();
        float[] groupScales = GROUP_SCALES.get();
        for (int b = 0; b < blocks; b++) {
            long block = row + (long) (first + b) * Q5KMatrix.BLOCK_BYTES;
            float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block));
            float dmin = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block + 2));
            KQuantScales.unpack(w, block + 4, s, groupScales);
            int at = o + 256 * b;
            for (int c = 0; c < 4; c++) {
                float lowScale = d * s[2 * c];
                float highScale = d * s[2 * c + 1];
                float lowMin = dmin * s[8 + 2 * c];
                float highMin = dmin * s[8 + 2 * c + 1];
                for (int l = 0; l < 32; l += 8) {
                    q5KEight(w, block + 48 + 32 * c + l, block + 16 + l, 2 * c, lowScale, lowMin, highScale, highMin,
                            out, at + 64 * c + l);
                }
            }
        }
    }

    /** As {@link #q4KEight} with the fifth bits at bit {@code bit} (low) and {@code bit + 1} (high) of {@code qh}. */
    private static void q5KEight(MemorySegment w, long packedAt, long highBitsAt, int bit, float lowScale, float lowMin,
                                 float highScale, float highMin, float[] out, int at) {
        IntVector packed = bytes(w, packedAt);
        // The two fifth bits moved to bit 4 and bit 5, then the high one down to bit 4 of its nibble.
        IntVector fifth = bytes(w, highBitsAt).lanewise(VectorOperators.ASHR, bit).lanewise(VectorOperators.LSHL, 4);
        floats(packed.and(0x0F).or(fifth.and(0x10))).mul(lowScale).sub(lowMin).intoArray(out, at);
        floats(packed.lanewise(VectorOperators.ASHR, 4).and(0x0F).or(fifth.lanewise(VectorOperators.ASHR, 1).and(0x10)))
                .mul(highScale).sub(highMin).intoArray(out, at + 32);
    }

    /**
     * Q6_K super-blocks (see {@link Q6KMatrix}): weight = d * scale * (six bits - 32), in two steps. First the
     * six-bit values are put together eight at a time in a long (nibbles and bit pairs cut out with masks that
     * never carry across a byte) and stored as bytes; then these are widened and scaled like Q8_0 weights.
     * (Putting them together in vector lanes, in one method or two, passed C2's inlining cutoff and boxed the
     * vectors: 8-16 bytes allocated per weight, 5-50x slower.)
     */
    static void q6K(MemorySegment w, long row, int first, int blocks, float[] out, int o) {
        byte[] quants = QUANTS.get();
        for (int b = 0; b < blocks; b++) {
            long block = row + (long) (first + b) * Q6KMatrix.BLOCK_BYTES;
            for (int n = 0; n < 2; n++) {
                for (int l = 0; l < 32; l += 8) {
                    long a = w.get(WeightMatrix.LONG_LE, block + 64 * n + l);
                    long c = w.get(WeightMatrix.LONG_LE, block + 64 * n + 32 + l);
                    long h = w.get(WeightMatrix.LONG_LE, block + 128 + 32 * n + l);
                    int at = 128 * n + l;
                    LONGS.set(quants, at, (a & NIBBLES) | (h & PAIRS) << 4);
                    LONGS.set(quants, at + 32, (c & NIBBLES) | (h & PAIRS << 2) << 2);
                    LONGS.set(quants, at + 64, (a >>> 4 & NIBBLES) | (h & PAIRS << 4));
                    LONGS.set(quants, at + 96, (c >>> 4 & NIBBLES) | (h >>> 2 & PAIRS << 4));
                }
            }
            float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block + 208));
            int at = o + 256 * b;
            for (int j = 0; j < 16; j++) {
                float scale = d * w.get(ValueLayout.JAVA_BYTE, block + 192 + j);
                floats(bytes(quants, 16 * j).sub(32)).mul(scale).intoArray(out, at + 16 * j);
                floats(bytes(quants, 16 * j + 8).sub(32)).mul(scale).intoArray(out, at + 16 * j + 8);
            }
        }
    }

    private static IntVector bytes(byte[] quants, int at) {
        return (IntVector) ByteVector.fromArray(B8, quants, at).convertShape(VectorOperators.B2I, I, 0);
    }

    /** BF16 weights {@code col ..< col + count} of the row at {@code row}: each the top half of a float. */
    static void bf16(MemorySegment w, long row, int col, int count, float[] out, int o) {
        for (int i = 0; i < count; i += 8) {
            ((IntVector) ShortVector.fromMemorySegment(S8, w, row + 2L * (col + i), LE).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(out, o + i);
        }
    }

    /** F16 weights {@code col ..< col + count} of the row at {@code row}, widened exactly ({@link HalfVectors}). */
    static void f16(MemorySegment w, long row, int col, int count, float[] out, int o) {
        int step = HalfVectors.lanes();
        for (int i = 0; i < count; i += step) {
            HalfVectors.widen(w, row + 2L * (col + i)).intoArray(out, o + i);
        }
    }
}
