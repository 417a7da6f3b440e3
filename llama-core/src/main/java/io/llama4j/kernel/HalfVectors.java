package io.llama4j.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * binary16 values (rows of the KV cache, F16 weights) widened to float32 in vector lanes. The Vector API has no F16-to-F32 lane
 * conversion, so it is done with integer lanes: the 15 bits below the sign, shifted into a float's exponent and
 * mantissa, read as a float that is exactly {@code 2^-112} times the half's magnitude (normal and subnormal
 * alike), so one multiplication by {@code 2^112} gives the value; infinities and NaNs (exponent 31) are
 * patched to float's exponent 255; the sign is or-ed back. Only loaded when {@link VectorSupport#ENABLED}.
 */
final class HalfVectors {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = F == FloatVector.SPECIES_512 ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    private static final VectorSpecies<Short> S = F == FloatVector.SPECIES_512 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    private static final float TWO_TO_112 = 0x1p112f;

    private HalfVectors() {
    }

    /** Lanes {@code h[at ..< at + F.length()]} as floats, exactly {@link Float#float16ToFloat} of each. */
    static FloatVector widen(short[] h, int at) {
        return widenBits((IntVector) ShortVector.fromArray(S, h, at).convertShape(VectorOperators.S2I, I, 0));
    }

    /** As {@link #widen(short[], int)} for little-endian binary16 values at {@code offset} of {@code segment}. */
    static FloatVector widen(MemorySegment segment, long offset) {
        return widenBits((IntVector) ShortVector.fromMemorySegment(S, segment, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.S2I, I, 0));
    }

    /** How many halves one {@link #widen} call reads. */
    static int lanes() {
        return F.length();
    }

    private static FloatVector widenBits(IntVector bits) {
        IntVector magnitude = bits.and(0x7FFF);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        FloatVector scaled = magnitude.lanewise(VectorOperators.LSHL, 13)
                .reinterpretAsFloats().mul(TWO_TO_112);
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
        IntVector result = scaled.reinterpretAsInts()
                .blend(magnitude.lanewise(VectorOperators.LSHL, 13).or(0x7F800000), special)
                .or(sign);
        return result.reinterpretAsFloats();
    }

    /** {@code q[qo ..< qo+n] . h[ho ..< ho+n]}, the half row widened lane by lane. */
    static float dot(float[] q, int qo, short[] h, int ho, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            acc = widen(h, ho + i).fma(FloatVector.fromArray(F, q, qo + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += q[qo + i] * Float.float16ToFloat(h[ho + i]);
        }
        return sum;
    }

    /** {@code out[o ..< o+n] += p * h[ho ..< ho+n]}. */
    static void addScaled(float[] out, int o, float p, short[] h, int ho, int n) {
        FloatVector weight = FloatVector.broadcast(F, p);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            widen(h, ho + i).fma(weight, FloatVector.fromArray(F, out, o + i)).intoArray(out, o + i);
        }
        for (; i < n; i++) {
            out[o + i] += p * Float.float16ToFloat(h[ho + i]);
        }
    }
}
