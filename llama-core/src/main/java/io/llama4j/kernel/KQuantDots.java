package io.llama4j.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The K-quant decode step (one input row): Q4_K, Q5_K and Q6_K weights times Q8_K activations, straight from
 * the mapped super-blocks, in 16-bit integer lanes. Each super-block's dot product is built exactly as
 * ggml's integer one: the unsigned quants times the int8 activations in short lanes, adjacent lanes summed
 * into int lanes, each sub-block's sums multiplied by its integer scale in int lanes, and the offset (Q6_K's
 * -32) or the minimums (Q4_K, Q5_K) taken out through the activations' sub-block sums, so that the float
 * conversion and scaling happen once per super-block.
 *
 * <p>As in {@link IntegerDots}, the kernels are small static methods that return an int and pass only
 * segments, arrays and scalars, so that C2 compiles each whole, within its inlining budget, with no vector
 * boxed. Only loaded when {@link VectorSupport#ENABLED}.
 */
final class KQuantDots {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    private KQuantDots() {
    }

    /** Sixteen bytes at {@code at}, zero-extended to shorts (so that a right shift gives the high nibble). */
    private static ShortVector widen(MemorySegment w, long at) {
        return (ShortVector) ByteVector.fromMemorySegment(B16, w, at, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
    }

    /**
     * Adjacent short lanes summed into int lanes, exact while each pair's sum fits a short: an int lane
     * {@code hi << 16 | lo} times {@code 0x10001} carries {@code hi + lo} in its top 16 bits, which an arithmetic
     * shift brings down with its sign (two instructions where unpacking both halves takes four).
     */
    private static IntVector pairSums(ShortVector products) {
        return products.reinterpretAsInts().mul(0x10001).lanewise(VectorOperators.ASHR, 16);
    }

    // ---------------------------------------------------------------------------------------------- Q4_K

    /**
     * Q4_K rows {@code from ..< to} times the one input row {@code token}, into {@code out[r]}:
     * per super-block {@code xd * (d * sum_j scale_j * dot_j - dmin * sum_j min_j * bsum_j)}.
     */
    static void q4KDecode(MemorySegment w, long rowBytes, int blocks, Q8KActivations a, int token, int from, int to,
                          float[] out) {
        short[] xs = a.quantsAsShorts;
        for (int r = from; r < to; r++) {
            float sum = 0;
            long row = r * rowBytes;
            for (int b = 0; b < blocks; b++) {
                long block = row + (long) b * Q4KMatrix.BLOCK_BYTES;
                int xb = token * blocks + b;
                int scaled = q4KScaled(w, block, xs, xb * SuperBlockMatrix.BLOCK);
                int mins = q4KMins(w, block, a.sums32, xb * 8);
                float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block));
                float dmin = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block + 2));
                sum += a.scales[xb] * (d * scaled - dmin * mins);
            }
            out[r] = sum;
        }
    }

    /** The eight 6-bit scales of a Q4_K/Q5_K block (12 packed bytes at {@code block + 4}), a byte each. */
    private static long scales(MemorySegment w, long block) {
        int w0 = w.get(INT_LE, block + 4);
        int w2 = w.get(INT_LE, block + 12);
        int low = w0 & 0x3F3F3F3F;
        int high = (w2 & 0x0F0F0F0F) | ((w0 >>> 6) & 0x03030303) << 4;
        return (low & 0xFFFFFFFFL) | (long) high << 32;
    }

    /** {@code sum_j min_j * bsum32_j}: the minimums' share of a Q4_K/Q5_K super-block dot, before {@code dmin}. */
    private static int q4KMins(MemorySegment w, long block, int[] sums32, int at) {
        int w0 = w.get(INT_LE, block + 4);
        int w1 = w.get(INT_LE, block + 8);
        int w2 = w.get(INT_LE, block + 12);
        int low = w1 & 0x3F3F3F3F;
        int high = ((w2 >>> 4) & 0x0F0F0F0F) | ((w1 >>> 6) & 0x03030303) << 4;
        int total = 0;
        for (int j = 0; j < 4; j++) {
            total += ((low >>> (8 * j)) & 0xFF) * sums32[at + j] + ((high >>> (8 * j)) & 0xFF) * sums32[at + 4 + j];
        }
        return total;
    }

    /**
     * {@code sum_j scale_j * (nibbles of sub-block j . activations)} of one Q4_K super-block, exact: each
     * 16-lane product of a nibble (< 16) and an activation (|x| <= 127) is added to its sub-block neighbour
     * as shorts (2 x 15 x 127), pair-summed into ints (at most 7620) and scaled in int lanes.
     */
    private static int q4KScaled(MemorySegment w, long block, short[] xs, int q) {
        long sc = scales(w, block);
        IntVector acc = IntVector.zero(I);
        for (int c = 0; c < 4; c++) {
            ShortVector p0 = widen(w, block + 16 + 32 * c);
            ShortVector p1 = widen(w, block + 32 + 32 * c);
            int x = q + 64 * c;
            ShortVector low = p0.and((short) 0x0F).mul(ShortVector.fromArray(S, xs, x))
                    .add(p1.and((short) 0x0F).mul(ShortVector.fromArray(S, xs, x + 16)));
            ShortVector high = p0.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xs, x + 32))
                    .add(p1.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xs, x + 48)));
            int s = (int) (sc >>> (16 * c));
            acc = acc.add(pairSums(low).mul(s & 0xFF)).add(pairSums(high).mul((s >>> 8) & 0xFF));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    // ---------------------------------------------------------------------------------------------- Q5_K

    /** Q5_K rows {@code from ..< to} times the one input row {@code token}: as {@link #q4KDecode}, with a fifth bit. */
    static void q5KDecode(MemorySegment w, long rowBytes, int blocks, Q8KActivations a, int token, int from, int to,
                          float[] out) {
        short[] xs = a.quantsAsShorts;
        for (int r = from; r < to; r++) {
            float sum = 0;
            long row = r * rowBytes;
            for (int b = 0; b < blocks; b++) {
                long block = row + (long) b * Q5KMatrix.BLOCK_BYTES;
                int xb = token * blocks + b;
                int scaled = q5KScaled(w, block, xs, xb * SuperBlockMatrix.BLOCK);
                int mins = q4KMins(w, block, a.sums32, xb * 8);
                float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block));
                float dmin = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block + 2));
                sum += a.scales[xb] * (d * scaled - dmin * mins);
            }
            out[r] = sum;
        }
    }

    /**
     * {@code sum_j scale_j * (quants of sub-block j . activations)} of one Q5_K super-block: in chunk
     * c = 2 c1 + c2, weight l (0..31) of sub-block 2c is the low nibble of {@code qs[32c + l]} plus bit 2c of
     * {@code qh[l]} as 16, of sub-block 2c + 1 the high nibble plus bit 2c + 1. A step takes 16 bytes of a
     * chunk (half h) and so 16 weights of each of its two sub-blocks; products are at most 31 x 127, a pair's
     * sum fits a short. Shaped like {@link #q6KBlock}: affine addresses in short innermost loops (0.24 ns per
     * multiply-add with one loop over the four chunks, 0.21 so), a body small enough for C2's inlining budget.
     */
    private static int q5KScaled(MemorySegment w, long block, short[] xs, int q) {
        long sc = scales(w, block);
        IntVector acc = IntVector.zero(I);
        for (int h = 0; h < 2; h++) {
            for (int c1 = 0; c1 < 2; c1++) {
                for (int c2 = 0; c2 < 2; c2++) {
                    ShortVector packed = widen(w, block + 48 + 64 * c1 + 32 * c2 + 16 * h);
                    ShortVector fifth = widen(w, block + 16 + 16 * h).lanewise(VectorOperators.LSHR, 4 * c1 + 2 * c2);
                    ShortVector low = packed.and((short) 0x0F).or(fifth.lanewise(VectorOperators.LSHL, 4).and((short) 0x10));
                    ShortVector high = packed.lanewise(VectorOperators.LSHR, 4).or(fifth.lanewise(VectorOperators.LSHL, 3).and((short) 0x10));
                    int x = q + 128 * c1 + 64 * c2 + 16 * h;
                    int s = (int) (sc >>> (32 * c1 + 16 * c2));
                    acc = acc.add(pairSums(low.mul(ShortVector.fromArray(S, xs, x))).mul(s & 0xFF))
                            .add(pairSums(high.mul(ShortVector.fromArray(S, xs, x + 32))).mul((s >>> 8) & 0xFF));
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    // ---------------------------------------------------------------------------------------------- Q6_K

    /**
     * Q6_K rows {@code from ..< to} times the one input row {@code token}, into {@code out[r]}: per
     * super-block {@code xd * d * sum_j scale_j * ((q - 32) . x)_j}, with the -32 taken out as
     * {@code 32 * sum_j scale_j * bsum16_j}.
     */
    static void q6KDecode(MemorySegment w, long rowBytes, int blocks, Q8KActivations a, int token, int from, int to,
                          float[] out) {
        short[] xs = a.quantsAsShorts;
        int[] scales = new int[16];
        for (int r = from; r < to; r++) {
            float sum = 0;
            long row = r * rowBytes;
            for (int b = 0; b < blocks; b++) {
                long block = row + (long) b * Q6KMatrix.BLOCK_BYTES;
                int xb = token * blocks + b;
                int offsets = q6KScales(w, block, a.sums16, xb * 16, scales);
                int dot = q6KBlock(w, block, xs, xb * SuperBlockMatrix.BLOCK, scales) - 32 * offsets;
                sum += a.scales[xb] * Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block + 208)) * dot;
            }
            out[r] = sum;
        }
    }

    /**
     * Widens the block's 16 int8 scales into {@code scales} and returns {@code sum_j scale_j * bsum16_j}: what
     * the -32 offset contributes, over 32.
     */
    private static int q6KScales(MemorySegment w, long block, int[] sums16, int at, int[] scales) {
        IntVector s0 = (IntVector) ByteVector.fromMemorySegment(B8, w, block + 192, LE).convertShape(VectorOperators.B2I, I, 0);
        IntVector s1 = (IntVector) ByteVector.fromMemorySegment(B8, w, block + 200, LE).convertShape(VectorOperators.B2I, I, 0);
        s0.intoArray(scales, 0);
        s1.intoArray(scales, 8);
        return s0.mul(IntVector.fromArray(I, sums16, at)).add(s1.mul(IntVector.fromArray(I, sums16, at + 8)))
                .reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@code sum_j scale_j * (unsigned quants of sub-block j . activations)} of one Q6_K super-block, exact
     * (a product is at most 63 x 127, so a pair's sum fits a short). In half n (128 weights), for l in
     * 0..31, weights l, l+32, l+64 and l+96 take the low or high nibble of {@code ql[l]} or {@code ql[l+32]}
     * and bits (0,1), (2,3), (4,5) or (6,7) of {@code qh[l]} as bits 4 and 5. So the 16 bytes of {@code ql}
     * at {@code 16 l + 32 k} (l, k in 0..1) hold two sub-blocks: the low nibbles (weights 16 l + 32 k ..) and
     * the high nibbles (64 further on), whose top bits are those of {@code qh[16 l ..]} shifted down by 2k.
     *
     * <p>The loops are shaped for C2: every address is affine in the loop variables, which let C2 drop most
     * of the address arithmetic and bounds checks (from one flat step counter: 0.28 ns per multiply-add; two
     * nested loops: 0.21; these three: 0.17), and the body holds two sub-blocks, not four: four exceed C2's
     * inlining budget and the vectors get boxed (0.62).
     */
    private static int q6KBlock(MemorySegment w, long block, short[] xs, int q, int[] scales) {
        IntVector acc = IntVector.zero(I);
        for (int n = 0; n < 2; n++) {
            for (int l = 0; l < 2; l++) {
                long ql = block + 64 * n + 16 * l;
                long qh = block + 128 + 32 * n + 16 * l;
                int x = q + 128 * n + 16 * l;
                int s = 8 * n + l;
                for (int k = 0; k < 2; k++) {
                    ShortVector low = widen(w, ql + 32 * k);
                    ShortVector high = widen(w, qh).lanewise(VectorOperators.LSHR, 2 * k);
                    ShortVector first = low.and((short) 0x0F).or(high.lanewise(VectorOperators.LSHL, 4).and((short) 0x30));
                    ShortVector second = low.lanewise(VectorOperators.LSHR, 4).or(high.and((short) 0x30));
                    acc = acc.add(pairSums(first.mul(ShortVector.fromArray(S, xs, x + 32 * k))).mul(scales[s + 2 * k]))
                            .add(pairSums(second.mul(ShortVector.fromArray(S, xs, x + 32 * k + 64))).mul(scales[s + 2 * k + 4]));
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
