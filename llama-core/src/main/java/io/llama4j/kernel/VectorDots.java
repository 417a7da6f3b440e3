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
 * Vector API versions of the dot products. Only loaded when {@link VectorSupport#ENABLED}; each method
 * computes what the scalar loop beside its caller computes, up to the order of float additions.
 */
final class VectorDots {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** 512-bit vectors where the CPU has them (AVX-512), else 256-bit (emulated, still correct, on narrower CPUs). */
    private static final boolean WIDE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final VectorSpecies<Float> F = WIDE ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = WIDE ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    /** Bytes widened to one int vector: as many byte lanes as {@link #I} has int lanes. */
    private static final VectorSpecies<Byte> B = WIDE ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
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

    static float bf16(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector wv = ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats();
            acc = wv.fma(FloatVector.fromArray(F, x, xOffset + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Half.bf16ToFloat(w.get(WeightMatrix.SHORT_LE, offset + 2L * i)) * x[xOffset + i];
        }
        return sum;
    }

    /** F16 has no cheap vector conversion in the Vector API; the scalar conversion is an intrinsic. */
    static float f16(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        float[] row = new float[F.length()];
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, offset + 2L * (i + j)));
            }
            acc = FloatVector.fromArray(F, row, 0).fma(FloatVector.fromArray(F, x, xOffset + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, offset + 2L * i)) * x[xOffset + i];
        }
        return sum;
    }

    /** Q8_0 weights times Q8_0 activations: per block an exact integer dot product, then one scale. */
    static float q8_0(MemorySegment w, long offset, byte[] xq, float[] xd, int xqOffset, int xdOffset, int blocks) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long block = offset + (long) b * Q8_0Matrix.BLOCK_BYTES;
            int q = xqOffset + b * 32;
            IntVector isum = IntVector.zero(I);
            for (int j = 0; j < 32; j += B.length()) {
                IntVector wv = (IntVector) ByteVector.fromMemorySegment(B, w, block + 2 + j, LE)
                        .convertShape(VectorOperators.B2I, I, 0);
                IntVector xv = (IntVector) ByteVector.fromArray(B, xq, q + j).convertShape(VectorOperators.B2I, I, 0);
                isum = isum.add(wv.mul(xv));
            }
            float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block));
            sum += isum.reduceLanes(VectorOperators.ADD) * (d * xd[xdOffset + b]);
        }
        return sum;
    }

    /** Q4_0 weights times Q8_0 activations. */
    static float q4_0(MemorySegment w, long offset, byte[] xq, float[] xd, int xqOffset, int xdOffset, int blocks) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long block = offset + (long) b * Q4_0Matrix.BLOCK_BYTES;
            int q = xqOffset + b * 32;
            IntVector isum = IntVector.zero(I);
            for (int j = 0; j < 16; j += B.length()) {
                ByteVector packed = ByteVector.fromMemorySegment(B, w, block + 2 + j, LE);
                IntVector low = (IntVector) packed.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2I, I, 0);
                IntVector high = (IntVector) packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8)
                        .convertShape(VectorOperators.B2I, I, 0);
                IntVector xLow = (IntVector) ByteVector.fromArray(B, xq, q + j).convertShape(VectorOperators.B2I, I, 0);
                IntVector xHigh = (IntVector) ByteVector.fromArray(B, xq, q + 16 + j).convertShape(VectorOperators.B2I, I, 0);
                isum = isum.add(low.mul(xLow)).add(high.mul(xHigh));
            }
            float d = Half.f16ToFloat(w.get(WeightMatrix.SHORT_LE, block));
            sum += isum.reduceLanes(VectorOperators.ADD) * (d * xd[xdOffset + b]);
        }
        return sum;
    }
}
