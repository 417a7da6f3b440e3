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
 *
 * <p>Each kernel is kept small on purpose. C2 stops inlining once a compilation has parsed about 18,000 nodes
 * (its {@code NodeCountInliningCutoff}, fixed in product JVMs), every Vector API call inlines a dozen methods,
 * and an operation left as a call boxes its vectors: an allocation per block and 2-4x slower. Hence per-block
 * methods that return a float (Q4_K), and prefill accumulators in a small array rather than a register tile
 * too big to compile whole (Q8_0, Q4_0). {@code -XX:+PrintInlining} shows the cutoff.
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

    /**
     * Q8_0 weights times one Q8_0 input row (the decode step); blocks alternate between two accumulators to
     * hide FMA latency. The loop runs over block pairs by an int counter, as {@link #q4_0}'s does (about 6%
     * faster on a matrix in L2, even when the weights stream from memory).
     */
    static float q8_0(MemorySegment w, long offset, Q8_0Activations a, int token, int blocks) {
        short[] xs = a.quantsAsShorts;
        float[] scales = a.scales;
        int x = token * blocks * 32;
        int sx = token * blocks;
        FloatVector even = FloatVector.zero(F);
        FloatVector odd = FloatVector.zero(F);
        int pairs = blocks >> 1;
        for (int i = 0; i < pairs; i++) {
            int b = 2 * i;
            long block = offset + (long) b * Q8_0Matrix.BLOCK_BYTES;
            even = q8_0Block(w, block, xs, x + 32 * b, scales[sx + b], even);
            odd = q8_0Block(w, block + Q8_0Matrix.BLOCK_BYTES, xs, x + 32 * b + 32, scales[sx + b + 1], odd);
        }
        if ((blocks & 1) != 0) {
            int b = blocks - 1;
            even = q8_0Block(w, offset + (long) b * Q8_0Matrix.BLOCK_BYTES, xs, x + 32 * b, scales[sx + b], even);
        }
        return even.add(odd).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector q8_0Block(MemorySegment w, long block, short[] xs, int q, float activationScale,
                                         FloatVector acc) {
        float scale = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block)) * activationScale;
        return blockDot(widen(w, block + 2), widen(w, block + 18), xs, q, scale, acc);
    }

    /**
     * Q4_0 weights times one Q8_0 input row (the decode step). The sixteen packed bytes of a block are widened
     * once to shorts and both nibbles are cut out in short lanes, so no byte shift or partial-width
     * conversion (the Vector API's slow paths on AVX2) is needed. The loop runs over block pairs by an int
     * counter, which C2 recognizes as a counted loop: it unrolls it and hoists the bounds checks of the
     * segment and array accesses out of it (a {@code b + 1 < blocks} loop kept a check per access and
     * a safepoint poll per iteration, and was 10-15% slower).
     */
    static float q4_0(MemorySegment w, long offset, Q8_0Activations a, int token, int blocks) {
        short[] xs = a.quantsAsShorts;
        float[] scales = a.scales;
        int x = token * blocks * 32;
        int sx = token * blocks;
        FloatVector even = FloatVector.zero(F);
        FloatVector odd = FloatVector.zero(F);
        int pairs = blocks >> 1;
        for (int i = 0; i < pairs; i++) {
            int b = 2 * i;
            long block = offset + (long) b * Q4_0Matrix.BLOCK_BYTES;
            even = q4_0Block(w, block, xs, x + 32 * b, scales[sx + b], even);
            odd = q4_0Block(w, block + Q4_0Matrix.BLOCK_BYTES, xs, x + 32 * b + 32, scales[sx + b + 1], odd);
        }
        if ((blocks & 1) != 0) {
            int b = blocks - 1;
            even = q4_0Block(w, offset + (long) b * Q4_0Matrix.BLOCK_BYTES, xs, x + 32 * b, scales[sx + b], even);
        }
        return even.add(odd).reduceLanes(VectorOperators.ADD);
    }

    /**
     * One Q4_0 block times {@code xs[q ..< q + 32]}, scaled by the block's and the activations' scales. A
     * nibble v stands for v - 8, which is v ^ 8 read as a signed 4-bit number; so after flipping bit 3 of
     * both nibbles (0x88, and the widened sign bits with them: 0xFF88) the high weight is an arithmetic shift
     * right by 4 and the low one a shift left by 12 and back: four operations where masking and
     * subtracting 8 took five. The products are within 8 x 127, so pairs of them fit a short
     * ({@link #smallPairSums}).
     */
    private static FloatVector q4_0Block(MemorySegment w, long block, short[] xs, int q, float activationScale,
                                         FloatVector acc) {
        ShortVector flipped = widen(w, block + 2).lanewise(VectorOperators.XOR, (short) 0xFF88);
        ShortVector low = flipped.lanewise(VectorOperators.LSHL, 12).lanewise(VectorOperators.ASHR, 12);
        ShortVector high = flipped.lanewise(VectorOperators.ASHR, 4);
        ShortVector p = low.mul(ShortVector.fromArray(S, xs, q)).add(high.mul(ShortVector.fromArray(S, xs, q + 16)));
        float scale = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block)) * activationScale;
        return smallPairSums(p).fma(FloatVector.broadcast(F, scale), acc);
    }

    /**
     * {@link #pairSums} for products whose adjacent pairs sum within a short: adding each int lane to itself
     * shifted left by 16 puts the pair's sum in the upper half, and one arithmetic shift brings it down,
     * three operations instead of four.
     */
    private static FloatVector smallPairSums(ShortVector products) {
        IntVector pairs = products.reinterpretAsInts();
        return (FloatVector) pairs.add(pairs.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                .convert(VectorOperators.I2F, 0);
    }

    /**
     * One block's 32 weights, as shorts ({@code low}: elements 0..15, {@code high}: 16..31), times the
     * activations {@code xs[q ..< q + 32]}, scaled and added to {@code acc}. The two products per lane are
     * added as shorts: |w| <= 128 and |x| <= 127 keep their sum within 32512.
     */
    private static FloatVector blockDot(ShortVector low, ShortVector high, short[] xs, int q, float scale,
                                        FloatVector acc) {
        ShortVector p = low.mul(ShortVector.fromArray(S, xs, q)).add(high.mul(ShortVector.fromArray(S, xs, q + 16)));
        return pairSums(p).fma(FloatVector.broadcast(F, scale), acc);
    }

    /**
     * Q4_0 rows at {@code row0} and {@code row1} times input rows {@code firstToken ..< firstToken + count}, with
     * the per-(row, token) float accumulators kept in {@code acc} (at least {@code 16 * count} floats): each
     * weight block is widened once per pass and each activation block loaded once per row pair, while the
     * method stays small enough for C2 to inline every vector operation.
     */
    static void q4_0Pair(MemorySegment w, long row0, long row1, Q8_0Activations a, int firstToken, int count,
                         int blocks, float[] acc, float[] out, int at, int stride) {
        java.util.Arrays.fill(acc, 0, 16 * count, 0f);
        for (int b = 0; b < blocks; b++) {
            long k0 = row0 + (long) b * Q4_0Matrix.BLOCK_BYTES;
            long k1 = row1 + (long) b * Q4_0Matrix.BLOCK_BYTES;
            ShortVector p0 = widen(w, k0 + 2);
            ShortVector p1 = widen(w, k1 + 2);
            ShortVector lo0 = p0.and((short) 0x0F).sub((short) 8);
            ShortVector hi0 = p0.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).sub((short) 8);
            ShortVector lo1 = p1.and((short) 0x0F).sub((short) 8);
            ShortVector hi1 = p1.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).sub((short) 8);
            pairBlock(lo0, hi0, Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, k0)),
                    lo1, hi1, Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, k1)), a, firstToken, count, blocks, b, acc);
        }
        storePair(acc, count, out, at, stride);
    }

    /** Q8_0 rows at {@code row0} and {@code row1} times input rows: as {@link #q4_0Pair}. */
    static void q8_0Pair(MemorySegment w, long row0, long row1, Q8_0Activations a, int firstToken, int count,
                         int blocks, float[] acc, float[] out, int at, int stride) {
        java.util.Arrays.fill(acc, 0, 16 * count, 0f);
        for (int b = 0; b < blocks; b++) {
            long k0 = row0 + (long) b * Q8_0Matrix.BLOCK_BYTES;
            long k1 = row1 + (long) b * Q8_0Matrix.BLOCK_BYTES;
            ShortVector lo0 = widen(w, k0 + 2);
            ShortVector hi0 = widen(w, k0 + 18);
            ShortVector lo1 = widen(w, k1 + 2);
            ShortVector hi1 = widen(w, k1 + 18);
            pairBlock(lo0, hi0, Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, k0)),
                    lo1, hi1, Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, k1)), a, firstToken, count, blocks, b, acc);
        }
        storePair(acc, count, out, at, stride);
    }

    /**
     * Block {@code b} of two weight rows, as shorts with their scales, times block {@code b} of each input
     * row in the group: the activations are loaded once for both rows, and each (row, token) accumulator
     * lives in {@code acc[16 t ..< 16 t + 8]} (row 0) and {@code acc[16 t + 8 ..< 16 t + 16]} (row 1). Memory
     * accumulators keep the caller small: as 2 x 4 register tiles, C2 stopped inlining the vector operations
     * (its parse-node budget) and boxed the vectors, 3-4x slower.
     */
    private static void pairBlock(ShortVector lo0, ShortVector hi0, float d0, ShortVector lo1, ShortVector hi1, float d1,
                                  Q8_0Activations a, int firstToken, int count, int blocks, int b, float[] acc) {
        short[] xs = a.quantsAsShorts;
        for (int t = 0; t < count; t++) {
            int xb = (firstToken + t) * blocks + b;
            ShortVector xl = ShortVector.fromArray(S, xs, xb * 32);
            ShortVector xh = ShortVector.fromArray(S, xs, xb * 32 + 16);
            float s = a.scales[xb];
            pairSums(lo0.mul(xl).add(hi0.mul(xh))).fma(FloatVector.broadcast(F, d0 * s), FloatVector.fromArray(F, acc, 16 * t))
                    .intoArray(acc, 16 * t);
            pairSums(lo1.mul(xl).add(hi1.mul(xh))).fma(FloatVector.broadcast(F, d1 * s), FloatVector.fromArray(F, acc, 16 * t + 8))
                    .intoArray(acc, 16 * t + 8);
        }
    }

    private static void storePair(float[] acc, int count, float[] out, int at, int stride) {
        for (int t = 0; t < count; t++) {
            out[at + t * stride] = FloatVector.fromArray(F, acc, 16 * t).reduceLanes(VectorOperators.ADD);
            out[at + t * stride + 1] = FloatVector.fromArray(F, acc, 16 * t + 8).reduceLanes(VectorOperators.ADD);
        }
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

    /**
     * Q4_K rows {@code from ..< to} times the one input row {@code token} (the decode step), into
     * {@code out[r]}: nibbles go straight from the mapped block to short lanes and into the products, with
     * no decoded copy of the block ({@link #q4KBlock}).
     */
    static void q4KDecode(MemorySegment w, long rowBytes, int blocks, Q8KActivations a, int token, int from, int to,
                          float[] out) {
        int[] unpacked = new int[KQuantScales.SCRATCH];
        float[] groupScales = new float[16];
        for (int r = from; r < to; r++) {
            float sum = 0;
            for (int b = 0; b < blocks; b++) {
                sum += q4KBlock(w, r * rowBytes + (long) b * Q4KMatrix.BLOCK_BYTES, a, token * blocks + b, unpacked, groupScales);
            }
            out[r] = sum;
        }
    }

    /**
     * One Q4_K super-block times activation block {@code xb}, both scales and the minimums applied. Each 32
     * bytes of {@code qs} are widened once; low nibbles (sub-block 2c) and high nibbles (2c + 1) are cut out
     * in short lanes, and each sub-block's two 16-lane products are added as shorts (2 x 15 x 127 at most).
     * A method per block, returning a float, bounds what C2 must inline at once: with the row loop and
     * the scale unpacking in one method, it ran out of its inlining budget and boxed the vectors.
     */
    private static float q4KBlock(MemorySegment w, long block, Q8KActivations a, int xb, int[] unpacked,
                                  float[] groupScales) {
        short[] xs = a.quantsAsShorts;
        KQuantScales.unpack(w, block + 4, unpacked, groupScales);
        int q = xb * SuperBlockMatrix.BLOCK;
        FloatVector even = FloatVector.zero(F);
        FloatVector odd = FloatVector.zero(F);
        for (int c = 0; c < 4; c++) {
            ShortVector p0 = widen(w, block + 16 + 32 * c);
            ShortVector p1 = widen(w, block + 32 + 32 * c);
            int x = q + 64 * c;
            ShortVector low = p0.and((short) 0x0F).mul(ShortVector.fromArray(S, xs, x))
                    .add(p1.and((short) 0x0F).mul(ShortVector.fromArray(S, xs, x + 16)));
            ShortVector high = p0.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).mul(ShortVector.fromArray(S, xs, x + 32))
                    .add(p1.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).mul(ShortVector.fromArray(S, xs, x + 48)));
            even = pairSums(low).fma(FloatVector.broadcast(F, groupScales[4 * c]), even);
            odd = pairSums(high).fma(FloatVector.broadcast(F, groupScales[4 * c + 2]), odd);
        }
        float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block));
        float dmin = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block + 2));
        return a.scales[xb] * (d * even.add(odd).reduceLanes(VectorOperators.ADD) - dmin * minTimesSums(unpacked, a.sums32, xb * 8));
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
