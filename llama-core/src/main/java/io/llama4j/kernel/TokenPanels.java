package io.llama4j.kernel;

/**
 * Float input rows interleaved for {@link PanelGemm}: in groups of {@value #GROUP} rows (tokens), column k
 * of the group's rows lies at {@code values[g * length * GROUP + k * GROUP ..< + GROUP]}, so the GEMM loads
 * the sixteen tokens' value of one column as two vectors. A last, partial group is padded with zeros. The
 * values are the unquantized activations: the float GEMM multiplies them with dequantized weights.
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

    static TokenPanels of(float[] x, int rows, int length) {
        int groups = groups(rows);
        float[] v = new float[groups * length * GROUP];
        for (int t = 0; t < rows; t++) {
            int base = (t / GROUP) * length * GROUP + t % GROUP;
            int from = t * length;
            for (int k = 0; k < length; k++) {
                v[base + k * GROUP] = x[from + k];
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
