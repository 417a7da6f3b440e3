package io.llama4j.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the dot products. Only loaded when {@link VectorSupport#ENABLED}; each method
 * computes what the scalar loop beside its caller computes, up to the order of float additions.
 */
final class VectorDots {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** 512-bit vectors where the CPU has them (AVX-512), else 256-bit (emulated, still correct, on narrower CPUs). */
    private static final boolean WIDE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final VectorSpecies<Float> F = WIDE ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = WIDE ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    /** Shorts widened to one float vector. */
    private static final VectorSpecies<Short> S = WIDE ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;

    private VectorDots() {
    }

    static float f32(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE);
            acc = wv.fma(FloatVector.fromArray(F, x, xOffset + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += w.get(WeightMatrix.FLOAT_LE, offset + 4L * i) * x[xOffset + i];
        }
        return sum;
    }

    /**
     * BF16 weights times one input row (a decode step). Four accumulators: with one, each FMA waits for the
     * previous one's result (four cycles), which caps a thread at about 4 bytes of weights per cycle, below
     * what memory delivers; four independent chains leave memory as the only bound.
     */
    static float bf16(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        int step = F.length();
        int i = 0;
        for (int upper = n - n % (4 * step); i < upper; i += 4 * step) {
            acc0 = bf16At(w, offset, i).fma(FloatVector.fromArray(F, x, xOffset + i), acc0);
            acc1 = bf16At(w, offset, i + step).fma(FloatVector.fromArray(F, x, xOffset + i + step), acc1);
            acc2 = bf16At(w, offset, i + 2 * step).fma(FloatVector.fromArray(F, x, xOffset + i + 2 * step), acc2);
            acc3 = bf16At(w, offset, i + 3 * step).fma(FloatVector.fromArray(F, x, xOffset + i + 3 * step), acc3);
        }
        for (int upper = F.loopBound(n); i < upper; i += step) {
            acc0 = bf16At(w, offset, i).fma(FloatVector.fromArray(F, x, xOffset + i), acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Half.bf16ToFloat(w.get(WeightMatrix.SHORT_LE, offset + 2L * i)) * x[xOffset + i];
        }
        return sum;
    }

    /** The BF16 weights {@code i ..< i + F.length()} of the row at {@code offset}, widened (a shift into a float's top half). */
    private static FloatVector bf16At(MemorySegment w, long offset, int i) {
        return ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE)
                .convertShape(VectorOperators.S2I, I, 0)
                .lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }

    /**
     * BF16 weights times up to four input rows at once (a prefill batch): each weight vector is loaded and
     * widened once for the four. Writes {@code out[outAt + i * stride]} for row {@code firstToken + i}.
     */
    static void bf16Rows(MemorySegment w, long offset, FloatActivations a, int firstToken, int count, int n,
                         float[] out, int outAt, int stride) {
        float[] x = a.values;
        int x0 = a.offset(firstToken);
        int x1 = a.offset(firstToken + Math.min(1, count - 1));
        int x2 = a.offset(firstToken + Math.min(2, count - 1));
        int x3 = a.offset(firstToken + Math.min(3, count - 1));
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector wv = ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats();
            acc0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), acc0);
            acc1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), acc1);
            acc2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), acc2);
            acc3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), acc3);
        }
        float s0 = acc0.reduceLanes(VectorOperators.ADD);
        float s1 = acc1.reduceLanes(VectorOperators.ADD);
        float s2 = acc2.reduceLanes(VectorOperators.ADD);
        float s3 = acc3.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float wi = Half.bf16ToFloat(w.get(WeightMatrix.SHORT_LE, offset + 2L * i));
            s0 += wi * x[x0 + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
        }
        storeFour(s0, s1, s2, s3, count, out, outAt, stride);
    }

    /**
     * F16 weights times one input row. The Vector API has no binary16 lane conversion, so the halves are
     * widened exactly in integer lanes ({@link HalfVectors#widen(MemorySegment, long)}); converting them one
     * at a time into a scratch array was slower than the scalar loop.
     */
    static float f16(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int step = F.length();
        int i = 0;
        for (int upper = n - n % (2 * step); i < upper; i += 2 * step) {
            acc0 = HalfVectors.widen(w, offset + 2L * i).fma(FloatVector.fromArray(F, x, xOffset + i), acc0);
            acc1 = HalfVectors.widen(w, offset + 2L * (i + step)).fma(FloatVector.fromArray(F, x, xOffset + i + step), acc1);
        }
        for (int upper = F.loopBound(n); i < upper; i += step) {
            acc0 = HalfVectors.widen(w, offset + 2L * i).fma(FloatVector.fromArray(F, x, xOffset + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, offset + 2L * i)) * x[xOffset + i];
        }
        return sum;
    }

    /** F16 weights times up to four input rows, each weight vector widened once for the four (see {@link #bf16Rows}). */
    static void f16Rows(MemorySegment w, long offset, FloatActivations a, int firstToken, int count, int n,
                        float[] out, int outAt, int stride) {
        float[] x = a.values;
        int x0 = a.offset(firstToken);
        int x1 = a.offset(firstToken + Math.min(1, count - 1));
        int x2 = a.offset(firstToken + Math.min(2, count - 1));
        int x3 = a.offset(firstToken + Math.min(3, count - 1));
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector wv = HalfVectors.widen(w, offset + 2L * i);
            acc0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), acc0);
            acc1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), acc1);
            acc2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), acc2);
            acc3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), acc3);
        }
        float s0 = acc0.reduceLanes(VectorOperators.ADD);
        float s1 = acc1.reduceLanes(VectorOperators.ADD);
        float s2 = acc2.reduceLanes(VectorOperators.ADD);
        float s3 = acc3.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float wi = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, offset + 2L * i));
            s0 += wi * x[x0 + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
        }
        storeFour(s0, s1, s2, s3, count, out, outAt, stride);
    }

    /** The first {@code count} of four row results, at {@code out[outAt + i * stride]}. */
    private static void storeFour(float s0, float s1, float s2, float s3, int count, float[] out, int outAt, int stride) {
        out[outAt] = s0;
        if (count > 1) {
            out[outAt + stride] = s1;
        }
        if (count > 2) {
            out[outAt + 2 * stride] = s2;
        }
        if (count > 3) {
            out[outAt + 3 * stride] = s3;
        }
    }

    /** {@code a[ao ..< ao+n] . b[bo ..< bo+n]} for attention scores. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    /** {@code out[o ..< o+n] += p * v[vo ..< vo+n]}, the attention-weighted sum of values. */
    static void addScaled(float[] out, int o, float p, float[] v, int vo, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector.fromArray(F, v, vo + i).fma(FloatVector.broadcast(F, p), FloatVector.fromArray(F, out, o + i))
                    .intoArray(out, o + i);
        }
        for (; i < n; i++) {
            out[o + i] += p * v[vo + i];
        }
    }
}
