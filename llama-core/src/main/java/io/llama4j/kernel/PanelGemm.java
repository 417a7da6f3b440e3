package io.llama4j.kernel;

import java.util.Arrays;

/**
 * Prefill as a float GEMM over dequantized weight panels. A tile of {@value #PANEL_ROWS} weight rows is
 * dequantized {@value #SPAN} columns at a time, once per call, into a per-thread float panel (48 KB, in L2);
 * every group of sixteen tokens ({@link TokenPanels}) then passes over it through {@link PanelKernel}, whose
 * accumulators add up across spans in a per-thread array. So each weight is decoded once however many tokens
 * there are, and the multiply-adds run as float FMAs at the FMA pipes' rate, which on AVX2 (no 8-bit
 * multiply-add in the Vector API) is faster than integer dots in 16-bit lanes.
 *
 * <p>The activations are those of the weights' own format, as floats ({@link TokenPanels}): for the block
 * types the int8 blocks ggml multiplies, dequantized, so the results stay those of llama.cpp up to the order
 * of float additions.
 */
final class PanelGemm {
    /**
     * Weight rows per micro-tile of {@link PanelKernel}: six rows (twelve accumulators) measured 0.026 ns per
     * multiply-add against four rows' 0.031 (Q8_0, 128 tokens, one thread).
     */
    static final int MICRO_ROWS = 6;
    /** Rows per panel: 48 rows share each pass of a token group's span, which stays in L1. */
    static final int PANEL_ROWS = 48;
    /** Columns per span: a span of 16 tokens is 16 KB (L1); a panel span of 48 rows is 48 KB (L2). */
    static final int SPAN = 256;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PanelGemm() {
    }

    /** Reused per thread: the dequantized panel and the accumulators of every (row, token) of a tile. */
    private static final class Scratch {
        final float[] panel = new float[PANEL_ROWS * SPAN];
        float[] acc = new float[0];

        float[] acc(int size) {
            if (acc.length < size) {
                acc = new float[size];
            }
            return acc;
        }
    }

    /**
     * Whether the GEMM is worth it for {@code tokens} input rows: 16 or more, and the last group's padding at
     * most half the real tokens (at 17 tokens the GEMM does 32 tokens' work; measured break-even is about 12
     * real tokens per 16 computed).
     */
    static boolean pays(int tokens) {
        int padded = TokenPanels.groups(tokens) * TokenPanels.GROUP;
        return tokens >= TokenPanels.GROUP && padded - tokens <= tokens / 2;
    }

    /** {@code out[t * w.rows + r] = row r of w . token t of x} for rows {@code from ..< to} and every token. */
    static void multiply(WeightMatrix w, TokenPanels x, float[] out, int from, int to) {
        int mr = MICRO_ROWS;
        int cols = w.cols;
        int groups = TokenPanels.groups(x.rows);
        Scratch scratch = SCRATCH.get();
        float[] panel = scratch.panel;
        float[] acc = scratch.acc(PANEL_ROWS * groups * TokenPanels.GROUP);
        for (int tile = from; tile < to; tile += PANEL_ROWS) {
            int n = Math.min(PANEL_ROWS, to - tile);
            int padded = (n + mr - 1) / mr * mr;
            Arrays.fill(acc, 0, padded * groups * TokenPanels.GROUP, 0f);
            // Rows past the range in a last, short tile multiply as zeros and are not stored.
            Arrays.fill(panel, n * SPAN, padded * SPAN, 0f);
            for (int k0 = 0; k0 < cols; k0 += SPAN) {
                int span = Math.min(SPAN, cols - k0);
                for (int r = 0; r < n; r++) {
                    w.dequantizeSpan(tile + r, k0, span, panel, r * SPAN);
                }
                for (int g = 0; g < groups; g++) {
                    int xAt = x.groupOffset(g) + k0 * TokenPanels.GROUP;
                    for (int r = 0; r < padded; r += mr) {
                        int accAt = (g * padded + r) * TokenPanels.GROUP;
                        PanelKernel.sixRows(panel, r * SPAN, SPAN, span, x.values, xAt, acc, accAt);
                    }
                }
            }
            for (int t = 0; t < x.rows; t++) {
                int g = t / TokenPanels.GROUP;
                int lane = t % TokenPanels.GROUP;
                for (int r = 0; r < n; r++) {
                    out[t * w.rows + tile + r] = acc[(g * padded + r) * TokenPanels.GROUP + lane];
                }
            }
        }
    }

    /**
     * What {@link #multiply} computes, by plain scalar loops over the same dequantized spans: the reference
     * the JMH module's speed guard compares the micro-kernel with.
     */
    static void scalarMultiply(WeightMatrix w, TokenPanels x, float[] out, int from, int to) {
        float[] span = new float[SPAN];
        float[] sums = new float[x.rows];
        for (int r = from; r < to; r++) {
            Arrays.fill(sums, 0f);
            for (int k0 = 0; k0 < w.cols; k0 += SPAN) {
                int count = Math.min(SPAN, w.cols - k0);
                w.dequantizeSpan(r, k0, count, span, 0);
                for (int t = 0; t < x.rows; t++) {
                    int xAt = x.groupOffset(t / TokenPanels.GROUP) + k0 * TokenPanels.GROUP + t % TokenPanels.GROUP;
                    float s = 0;
                    for (int k = 0; k < count; k++) {
                        s += span[k] * x.values[xAt + k * TokenPanels.GROUP];
                    }
                    sums[t] += s;
                }
            }
            for (int t = 0; t < x.rows; t++) {
                out[t * w.rows + r] = sums[t];
            }
        }
    }
}
