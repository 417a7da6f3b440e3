package io.llama4j.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Quantized dot products in 16-bit integer lanes: weights and int8 activations are widened to shorts,
 * multiplied sixteen at a time ({@code vpmullw}), and adjacent products summed into 32-bit lanes once per
 * block. Every product of an int8 weight and an activation in [-127, 127] fits a short, and so does the sum
 * of two, so each block's integer dot product is exact, as ggml's; this takes about half the instructions
 * of widening every weight to float. Only loaded when {@link VectorSupport#ENABLED}.
 */
final class IntegerDots {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

    private IntegerDots() {
    }

    /** Sixteen bytes at {@code at}, sign-extended to shorts. */
    private static ShortVector widen(MemorySegment w, long at) {
        return (ShortVector) ByteVector.fromMemorySegment(B16, w, at, LE).convertShape(VectorOperators.B2S, S, 0);
    }

    /** Adds adjacent short lanes into int lanes: 16 exact products become 8 partial sums, as floats. */
    private static FloatVector pairSums(ShortVector products) {
        IntVector pairs = products.reinterpretAsInts();
        IntVector sums = pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(pairs.lanewise(VectorOperators.ASHR, 16));
        return (FloatVector) sums.convert(VectorOperators.I2F, 0);
    }

    private static float scale(MemorySegment w, long block, float[] activationScales, int index) {
        return Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block)) * activationScales[index];
    }

    /** Q8_0 weights times one Q8_0 input row; blocks alternate between two accumulators to hide FMA latency. */
    static float q8_0(MemorySegment w, long offset, Q8_0Activations a, int token, int blocks) {
        short[] xs = a.quantsAsShorts;
        int x = token * blocks * 32;
        int sx = token * blocks;
        FloatVector even = FloatVector.zero(F);
        FloatVector odd = FloatVector.zero(F);
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            even = q8_0Block(w, offset + (long) b * Q8_0Matrix.BLOCK_BYTES, xs, x + b * 32, a.scales, sx + b, even);
            odd = q8_0Block(w, offset + (long) (b + 1) * Q8_0Matrix.BLOCK_BYTES, xs, x + b * 32 + 32, a.scales, sx + b + 1, odd);
        }
        if (b < blocks) {
            even = q8_0Block(w, offset + (long) b * Q8_0Matrix.BLOCK_BYTES, xs, x + b * 32, a.scales, sx + b, even);
        }
        return even.add(odd).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector q8_0Block(MemorySegment w, long block, short[] xs, int q, float[] scales, int s,
                                         FloatVector acc) {
        ShortVector p = widen(w, block + 2).mul(ShortVector.fromArray(S, xs, q))
                .add(widen(w, block + 18).mul(ShortVector.fromArray(S, xs, q + 16)));
        return pairSums(p).fma(FloatVector.broadcast(F, scale(w, block, scales, s)), acc);
    }

    /**
     * A decoded K-quant super-block ({@code values[0 ..< 256]}, one integer scale per 16 values in
     * {@code groupScales}) times the Q8_K activations at {@code xs[q ..< q + 256]}: the exact integer dot
     * product, weighted per group, summed in float lanes.
     */
    static float superBlock(short[] values, float[] groupScales, short[] xs, int q) {
        FloatVector even = FloatVector.zero(F);
        FloatVector odd = FloatVector.zero(F);
        for (int g = 0; g < 16; g += 2) {
            ShortVector p0 = ShortVector.fromArray(S, values, 16 * g).mul(ShortVector.fromArray(S, xs, q + 16 * g));
            ShortVector p1 = ShortVector.fromArray(S, values, 16 * g + 16).mul(ShortVector.fromArray(S, xs, q + 16 * g + 16));
            even = pairSums(p0).fma(FloatVector.broadcast(F, groupScales[g]), even);
            odd = pairSums(p1).fma(FloatVector.broadcast(F, groupScales[g + 1]), odd);
        }
        return even.add(odd).reduceLanes(VectorOperators.ADD);
    }

    /**
     * As {@link #superBlock} for types whose scales cover 32 values (Q4_K, Q5_K): the two 16-value halves of
     * a sub-block are added as shorts first (values below 32 times int8 stay below 2^13 each), so the
     * widening and scaling run once per 32 values. Also subtracts nothing: minimums are applied by the caller.
     */
    static float superBlock32(short[] values, float[] groupScales, short[] xs, int q) {
        FloatVector even = FloatVector.zero(F);
        FloatVector odd = FloatVector.zero(F);
        for (int g = 0; g < 16; g += 4) {
            ShortVector p0 = ShortVector.fromArray(S, values, 16 * g).mul(ShortVector.fromArray(S, xs, q + 16 * g))
                    .add(ShortVector.fromArray(S, values, 16 * g + 16).mul(ShortVector.fromArray(S, xs, q + 16 * g + 16)));
            ShortVector p1 = ShortVector.fromArray(S, values, 16 * g + 32).mul(ShortVector.fromArray(S, xs, q + 16 * g + 32))
                    .add(ShortVector.fromArray(S, values, 16 * g + 48).mul(ShortVector.fromArray(S, xs, q + 16 * g + 48)));
            even = pairSums(p0).fma(FloatVector.broadcast(F, groupScales[g]), even);
            odd = pairSums(p1).fma(FloatVector.broadcast(F, groupScales[g + 2]), odd);
        }
        return even.add(odd).reduceLanes(VectorOperators.ADD);
    }

    /** {@code sum of mins[j] * sums32[at + j]} over the eight sub-blocks: the minimums' share of a K-quant dot. */
    static int minTimesSums(int[] unpacked, int[] sums32, int at) {
        return IntVector.fromArray(I, unpacked, 8).mul(IntVector.fromArray(I, sums32, at)).reduceLanes(VectorOperators.ADD);
    }

    /** Q4_K: chunk c's 32 bytes hold sub-block 2c in their low nibbles and 2c + 1 in their high nibbles. */
    static void decodeQ4K(MemorySegment w, long block, short[] values) {
        for (int c = 0; c < 4; c++) {
            for (int j = 0; j < 32; j += 16) {
                ShortVector packed = widen(w, block + 16 + 32 * c + j);
                packed.and((short) 0x0F).intoArray(values, 64 * c + j);
                packed.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).intoArray(values, 64 * c + 32 + j);
            }
        }
    }

    /** Q5_K: as Q4_K, plus bit 2c (low half) or 2c + 1 (high half) of {@code qh[l]} as the fifth bit. */
    static void decodeQ5K(MemorySegment w, long block, short[] values) {
        for (int j = 0; j < 32; j += 16) {
            ShortVector high = widen(w, block + 16 + j);
            for (int c = 0; c < 4; c++) {
                ShortVector packed = widen(w, block + 48 + 32 * c + j);
                ShortVector bitLow = high.lanewise(VectorOperators.ASHR, 2 * c).and((short) 1).lanewise(VectorOperators.LSHL, 4);
                ShortVector bitHigh = high.lanewise(VectorOperators.ASHR, 2 * c + 1).and((short) 1).lanewise(VectorOperators.LSHL, 4);
                packed.and((short) 0x0F).or(bitLow).intoArray(values, 64 * c + j);
                packed.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).or(bitHigh).intoArray(values, 64 * c + 32 + j);
            }
        }
    }

    /**
     * Q6_K: in each half, weights l, l+32, l+64, l+96 take the low or high nibble of {@code ql[l]} or
     * {@code ql[l+32]} and two bits of {@code qh[l]} as their top bits, minus 32.
     */
    static void decodeQ6K(MemorySegment w, long block, short[] values) {
        for (int half = 0; half < 2; half++) {
            for (int l = 0; l < 32; l += 16) {
                ShortVector ql = widen(w, block + 64 * half + l);
                ShortVector ql32 = widen(w, block + 64 * half + l + 32);
                ShortVector qh = widen(w, block + 128 + 32 * half + l);
                int o = 128 * half + l;
                ql.and((short) 0x0F).or(qh.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                        .sub((short) 32).intoArray(values, o);
                ql32.and((short) 0x0F).or(qh.lanewise(VectorOperators.ASHR, 2).and((short) 3).lanewise(VectorOperators.LSHL, 4))
                        .sub((short) 32).intoArray(values, o + 32);
                ql.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).or(qh.lanewise(VectorOperators.ASHR, 4).and((short) 3).lanewise(VectorOperators.LSHL, 4))
                        .sub((short) 32).intoArray(values, o + 64);
                ql32.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).or(qh.lanewise(VectorOperators.ASHR, 6).and((short) 3).lanewise(VectorOperators.LSHL, 4))
                        .sub((short) 32).intoArray(values, o + 96);
            }
        }
    }

    /** Q4_K rows {@code from ..< to} times input rows {@code t0 ..< t0 + count}: see {@link SuperBlockMatrix#vectorRows}. */
    static void q4KRows(MemorySegment w, long rowBytes, int blocks, Q8KActivations a, int t0, int count,
                        int from, int to, float[] out, int at, int stride) {
        short[] values = new short[SuperBlockMatrix.BLOCK];
        float[] groupScales = new float[16];
        int[] unpacked = new int[KQuantScales.SCRATCH];
        float[] sums = new float[count];
        for (int r = from; r < to; r++) {
            java.util.Arrays.fill(sums, 0f);
            for (int b = 0; b < blocks; b++) {
                long block = r * rowBytes + (long) b * Q4KMatrix.BLOCK_BYTES;
                decodeQ4K(w, block, values);
                KQuantScales.unpack(w, block + 4, unpacked, groupScales);
                withMins(w, block, values, groupScales, unpacked, a, t0, count, blocks, b, sums);
            }
            for (int t = 0; t < count; t++) {
                out[at + t * stride + r] = sums[t];
            }
        }
    }

    /** Q5_K rows {@code from ..< to} times input rows {@code t0 ..< t0 + count}. */
    static void q5KRows(MemorySegment w, long rowBytes, int blocks, Q8KActivations a, int t0, int count,
                        int from, int to, float[] out, int at, int stride) {
        short[] values = new short[SuperBlockMatrix.BLOCK];
        float[] groupScales = new float[16];
        int[] unpacked = new int[KQuantScales.SCRATCH];
        float[] sums = new float[count];
        for (int r = from; r < to; r++) {
            java.util.Arrays.fill(sums, 0f);
            for (int b = 0; b < blocks; b++) {
                long block = r * rowBytes + (long) b * Q5KMatrix.BLOCK_BYTES;
                decodeQ5K(w, block, values);
                KQuantScales.unpack(w, block + 4, unpacked, groupScales);
                withMins(w, block, values, groupScales, unpacked, a, t0, count, blocks, b, sums);
            }
            for (int t = 0; t < count; t++) {
                out[at + t * stride + r] = sums[t];
            }
        }
    }

    /** One decoded Q4_K/Q5_K block times each input row's block {@code b}: {@code d * dot - dmin * mins}. */
    private static void withMins(MemorySegment w, long block, short[] values, float[] groupScales, int[] unpacked,
                                 Q8KActivations a, int t0, int count, int blocks, int b, float[] sums) {
        float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block));
        float dmin = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block + 2));
        for (int t = 0; t < count; t++) {
            int xb = (t0 + t) * blocks + b;
            float dot = d * superBlock32(values, groupScales, a.quantsAsShorts, xb * SuperBlockMatrix.BLOCK)
                    - dmin * minTimesSums(unpacked, a.sums32, xb * 8);
            sums[t] += a.scales[xb] * dot;
        }
    }

    /** Q6_K rows {@code from ..< to} times input rows {@code t0 ..< t0 + count}. */
    static void q6KRows(MemorySegment w, long rowBytes, int blocks, Q8KActivations a, int t0, int count,
                        int from, int to, float[] out, int at, int stride) {
        short[] values = new short[SuperBlockMatrix.BLOCK];
        float[] groupScales = new float[16];
        float[] sums = new float[count];
        for (int r = from; r < to; r++) {
            java.util.Arrays.fill(sums, 0f);
            for (int b = 0; b < blocks; b++) {
                long block = r * rowBytes + (long) b * Q6KMatrix.BLOCK_BYTES;
                decodeQ6K(w, block, values);
                long low = w.get(WeightMatrix.LONG_LE, block + 192);
                long high = w.get(WeightMatrix.LONG_LE, block + 200);
                for (int g = 0; g < 8; g++) {
                    groupScales[g] = (byte) (low >>> (8 * g));
                    groupScales[8 + g] = (byte) (high >>> (8 * g));
                }
                float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block + 208));
                for (int t = 0; t < count; t++) {
                    int xb = (t0 + t) * blocks + b;
                    sums[t] += a.scales[xb] * (d * superBlock(values, groupScales, a.quantsAsShorts, xb * SuperBlockMatrix.BLOCK));
                }
            }
            for (int t = 0; t < count; t++) {
                out[at + t * stride + r] = sums[t];
            }
        }
    }
}
