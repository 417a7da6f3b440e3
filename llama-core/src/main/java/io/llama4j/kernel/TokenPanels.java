package io.llama4j.kernel;

/**
 * Float input rows interleaved for {@link PanelGemm}: in groups of {@value #GROUP} rows (tokens), column k
 * of the group's rows lies at {@code values[g * length * GROUP + k * GROUP ..< + GROUP]}, so the GEMM loads
 * the sixteen tokens' value of one column as two vectors. A last, partial group is padded with zeros.
 *
 * <p>The values are the weights' own activations (see {@link ActivationFormat}) as floats: Q8_0 and Q8_K
 * blocks dequantized ({@code d * q}, exact in a float), F16/BF16 rows as rounded. So the GEMM multiplies
 * what ggml's integer dot products multiply, and its results differ from theirs only by float rounding of
 * the sums (~2e-6 of the largest output), not by the int8 rounding of the activations (~1e-2): with the unquantized
 * floats instead, the llama.cpp logit comparisons saw 3x larger deviations and an argmax flip.
 */
final class TokenPanels implements Activations {
    static final int GROUP = 16;

    final float[] values;
    final int rows;
    final int length;

    private TokenPanels(float[] values, int rows, int length) {
        this.values = values;
        this.rows = rows;
        this.length = length;
    }

    /** {@code rows} prepared input rows of {@code length}, as the floats they stand for, interleaved. */
    static TokenPanels of(Activations a, int rows, int length) {
        return switch (a) {
            case FloatActivations f -> of(f.values, rows, length);
            case Q8_0Activations q -> of(q.quants, q.scales, Q8_0Activations.BLOCK, rows, length);
            case Q8KActivations q -> of(q.quants, q.scales, Q8KActivations.BLOCK, rows, length);
            case TokenPanels p -> throw new IllegalArgumentException("input rows are interleaved already");
        };
    }

    static TokenPanels of(float[] x, int rows, int length) {
        float[] v = new float[groups(rows) * length * GROUP];
        for (int t = 0; t < rows; t++) {
            int base = (t / GROUP) * length * GROUP + t % GROUP;
            int from = t * length;
            for (int k = 0; k < length; k++) {
                v[base + k * GROUP] = x[from + k];
            }
        }
        return new TokenPanels(v, rows, length);
    }

    /** Quantized rows, each value its block's scale times its quant (exact in a float). */
    private static TokenPanels of(byte[] quants, float[] scales, int block, int rows, int length) {
        float[] v = new float[groups(rows) * length * GROUP];
        for (int t = 0; t < rows; t++) {
            int base = (t / GROUP) * length * GROUP + t % GROUP;
            int from = t * length;
            for (int k = 0; k < length; k++) {
                v[base + k * GROUP] = scales[(from + k) / block] * quants[from + k];
            }
        }
        return new TokenPanels(v, rows, length);
    }

    static int groups(int rows) {
        return (rows + GROUP - 1) / GROUP;
    }

    /** Offset of column 0 of token group {@code g}. */
    int groupOffset(int g) {
        return g * length * GROUP;
    }
}
