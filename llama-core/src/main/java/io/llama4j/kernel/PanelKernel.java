package io.llama4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled float micro-kernel of {@link PanelGemm}: six dequantized weight rows times sixteen
 * interleaved tokens ({@link TokenPanels}) over a span of columns. Per column it loads the sixteen tokens'
 * values as two vectors, broadcasts each row's weight, and issues two FMAs per row into accumulators that stay
 * in registers for the whole span: no horizontal sums, and two vector loads plus one broadcast per row feed
 * each pair of FMAs, so on AVX2 the two FMA pipes, not the loads, are the bound. Only loaded when
 * {@link VectorSupport#ENABLED}.
 *
 * <p>The kernel is one small static method with only arrays and ints crossing its boundary, so that C2 compiles
 * it whole (see {@link IntegerDots} on the inlining cutoff); its accumulators live in {@code acc} between
 * spans.
 */
final class PanelKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

    private PanelKernel() {
    }

    /**
     * For rows {@code i < 6} of {@code w} (starting at {@code wAt}, {@code wStride} apart) and columns
     * {@code k < span}: {@code acc[accAt + 16 i + t] += w[wAt + i wStride + k] * x[xAt + 16 k + t]}, t < 16.
     * Twelve accumulators, two vector loads and six broadcasts feed twelve FMAs per column.
     */
    static void sixRows(float[] w, int wAt, int wStride, int span, float[] x, int xAt, float[] acc, int accAt) {
        FloatVector c00 = FloatVector.fromArray(F, acc, accAt);
        FloatVector c01 = FloatVector.fromArray(F, acc, accAt + 8);
        FloatVector c10 = FloatVector.fromArray(F, acc, accAt + 16);
        FloatVector c11 = FloatVector.fromArray(F, acc, accAt + 24);
        FloatVector c20 = FloatVector.fromArray(F, acc, accAt + 32);
        FloatVector c21 = FloatVector.fromArray(F, acc, accAt + 40);
        FloatVector c30 = FloatVector.fromArray(F, acc, accAt + 48);
        FloatVector c31 = FloatVector.fromArray(F, acc, accAt + 56);
        FloatVector c40 = FloatVector.fromArray(F, acc, accAt + 64);
        FloatVector c41 = FloatVector.fromArray(F, acc, accAt + 72);
        FloatVector c50 = FloatVector.fromArray(F, acc, accAt + 80);
        FloatVector c51 = FloatVector.fromArray(F, acc, accAt + 88);
        int w0 = wAt;
        int w1 = wAt + wStride;
        int w2 = wAt + 2 * wStride;
        int w3 = wAt + 3 * wStride;
        int w4 = wAt + 4 * wStride;
        int w5 = wAt + 5 * wStride;
        for (int k = 0; k < span; k++) {
            FloatVector lo = FloatVector.fromArray(F, x, xAt + 16 * k);
            FloatVector hi = FloatVector.fromArray(F, x, xAt + 16 * k + 8);
            FloatVector b0 = FloatVector.broadcast(F, w[w0 + k]);
            c00 = lo.fma(b0, c00);
            c01 = hi.fma(b0, c01);
            FloatVector b1 = FloatVector.broadcast(F, w[w1 + k]);
            c10 = lo.fma(b1, c10);
            c11 = hi.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(F, w[w2 + k]);
            c20 = lo.fma(b2, c20);
            c21 = hi.fma(b2, c21);
            FloatVector b3 = FloatVector.broadcast(F, w[w3 + k]);
            c30 = lo.fma(b3, c30);
            c31 = hi.fma(b3, c31);
            FloatVector b4 = FloatVector.broadcast(F, w[w4 + k]);
            c40 = lo.fma(b4, c40);
            c41 = hi.fma(b4, c41);
            FloatVector b5 = FloatVector.broadcast(F, w[w5 + k]);
            c50 = lo.fma(b5, c50);
            c51 = hi.fma(b5, c51);
        }
        c00.intoArray(acc, accAt);
        c01.intoArray(acc, accAt + 8);
        c10.intoArray(acc, accAt + 16);
        c11.intoArray(acc, accAt + 24);
        c20.intoArray(acc, accAt + 32);
        c21.intoArray(acc, accAt + 40);
        c30.intoArray(acc, accAt + 48);
        c31.intoArray(acc, accAt + 56);
        c40.intoArray(acc, accAt + 64);
        c41.intoArray(acc, accAt + 72);
        c50.intoArray(acc, accAt + 80);
        c51.intoArray(acc, accAt + 88);
    }
}
