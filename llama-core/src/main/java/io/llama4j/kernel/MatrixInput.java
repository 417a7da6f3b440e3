package io.llama4j.kernel;

import java.util.EnumMap;

/**
 * A batch of input rows for one or more matrices, prepared once per activation format: the Q, K and V
 * projections (and the gate and up projections) share their input and usually its quantization.
 */
final class MatrixInput {
    private final float[] values;
    private final int rows;
    private final int length;
    private final EnumMap<ActivationFormat, Activations> prepared = new EnumMap<>(ActivationFormat.class);
    private final EnumMap<ActivationFormat, TokenPanels> panels = new EnumMap<>(ActivationFormat.class);

    MatrixInput(float[] values, int rows, int length) {
        this.values = values;
        this.rows = rows;
        this.length = length;
    }

    int rows() {
        return rows;
    }

    Activations as(ActivationFormat format) {
        return prepared.computeIfAbsent(format, f -> Activations.prepare(values, rows, length, f));
    }

    /**
     * The input {@code w} multiplies: its own format's rows ({@link #as}), or where the panel GEMM is faster
     * for this many rows (prefill), those same rows as floats, interleaved for it.
     */
    Activations inputFor(WeightMatrix w) {
        if (VectorSupport.ENABLED && w.prefersPanelGemm(rows)) {
            return panels.computeIfAbsent(w.inputFormat(), f -> TokenPanels.of(as(f), rows, length));
        }
        return as(w.inputFormat());
    }

    /** {@code out[t * w.rows + r] = (w x_t)[r]}: every input row times the matrix, rows split over threads. */
    void multiply(WeightMatrix w, float[] out, RowParallel parallel) {
        if (w.cols != length) {
            throw new IllegalStateException(w + " cannot multiply vectors of length " + length);
        }
        Activations x = inputFor(w);
        parallel.forEach(w.rows, (long) w.cols * rows, (from, to) -> w.multiplyPrepared(x, rows, out, from, to));
    }

    /**
     * {@link #multiply} for several matrices sharing this input (Q, K and V; gate and up) in one parallel
     * region: their rows are split over the threads as one range, so the workers are handed work once
     * instead of once per matrix.
     */
    void multiply(WeightMatrix[] ws, float[][] outs, RowParallel parallel) {
        int[] starts = new int[ws.length + 1];
        Activations[] xs = new Activations[ws.length];
        for (int i = 0; i < ws.length; i++) {
            if (ws[i].cols != length) {
                throw new IllegalStateException(ws[i] + " cannot multiply vectors of length " + length);
            }
            xs[i] = inputFor(ws[i]);
            starts[i + 1] = starts[i] + ws[i].rows;
        }
        parallel.forEach(starts[ws.length], (long) length * rows, (from, to) -> {
            for (int i = 0; i < ws.length; i++) {
                int lo = Math.max(from, starts[i]);
                int hi = Math.min(to, starts[i + 1]);
                if (lo < hi) {
                    ws[i].multiplyPrepared(xs[i], rows, outs[i], lo - starts[i], hi - starts[i]);
                }
            }
        });
    }

    /**
     * The SwiGLU feed-forward's first half in one parallel region: each thread multiplies its rows of the
     * gate and up projections and at once writes {@code gate[t * ffn + r] = silu(gate) * up} for them, while
     * both values are still in cache, so the activation needs no serial pass of its own.
     */
    void multiplySwiGlu(WeightMatrix gateWeights, WeightMatrix upWeights, float[] gate, float[] up,
                        RowParallel parallel) {
        if (gateWeights.cols != length || upWeights.cols != length || gateWeights.rows != upWeights.rows) {
            throw new IllegalStateException(gateWeights + " and " + upWeights + " cannot form a SwiGLU of vectors of length " + length);
        }
        Activations gx = inputFor(gateWeights);
        Activations ux = inputFor(upWeights);
        int ffn = gateWeights.rows;
        parallel.forEach(ffn, 2L * length * rows, (from, to) -> {
            gateWeights.multiplyPrepared(gx, rows, gate, from, to);
            upWeights.multiplyPrepared(ux, rows, up, from, to);
            for (int t = 0; t < rows; t++) {
                for (int i = t * ffn + from, end = t * ffn + to; i < end; i++) {
                    float g = gate[i];
                    gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
                }
            }
        });
    }
}
