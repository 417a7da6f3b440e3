package io.llama4j.kernel;

import java.util.EnumMap;

/**
 * A batch of input rows for one or more matrices, prepared once per activation format: the Q, K and V
 * projections (and the gate and up projections) share their input and usually its quantization. The forward
 * pass keeps its inputs and rebinds them to new rows with {@link #over}, so that each format's arrays are
 * prepared in place again and a decode step allocates none.
 */
final class MatrixInput {
    private float[] values;
    private int rows;
    private int length;
    private final EnumMap<ActivationFormat, Activations> prepared = new EnumMap<>(ActivationFormat.class);
    /** Each format's last prepared activations: their arrays take the next rows of that format. */
    private final EnumMap<ActivationFormat, Activations> storage = new EnumMap<>(ActivationFormat.class);
    /** Prefill rows interleaved for the panel GEMM, per activation format (made only for batches it takes). */
    private final EnumMap<ActivationFormat, TokenPanels> panels = new EnumMap<>(ActivationFormat.class);

    // The operands of the parallel region in progress, kept in fields so that its task is made once: a
    // lambda capturing them would be an allocation per region (about eighty per decoded token).
    private WeightMatrix[] regionWeights = new WeightMatrix[0];
    private Activations[] regionInputs = new Activations[0];
    private float[][] regionOutputs = new float[0][];
    /** Matrix i owns rows {@code regionStarts[i] ..< regionStarts[i + 1]} of the region's range. */
    private int[] regionStarts = new int[1];
    private int regionCount;
    private final RowParallel.RangeTask matricesTask = this::multiplyRange;
    private final RowParallel.RangeTask swiGluTask = this::swiGluRange;

    MatrixInput(float[] values, int rows, int length) {
        over(values, rows, length);
    }

    /** Rebinds this input to {@code rows} rows of {@code length} values in {@code values}. */
    MatrixInput over(float[] values, int rows, int length) {
        this.values = values;
        this.rows = rows;
        this.length = length;
        prepared.clear();
        panels.clear();
        return this;
    }

    int rows() {
        return rows;
    }

    Activations as(ActivationFormat format) {
        Activations a = prepared.get(format);
        if (a == null) {
            a = Activations.prepare(values, rows, length, format, storage.get(format));
            prepared.put(format, a);
            storage.put(format, a);
        }
        return a;
    }

    /**
     * The input {@code w} multiplies: its own format's rows ({@link #as}), or where the panel GEMM is faster
     * for this many rows (prefill), those same rows as floats, interleaved for it.
     */
    Activations inputFor(WeightMatrix w) {
        if (VectorSupport.ENABLED && w.prefersPanelGemm(rows)) {
            TokenPanels p = panels.get(w.inputFormat());
            if (p == null) {
                p = TokenPanels.of(as(w.inputFormat()), rows, length);
                panels.put(w.inputFormat(), p);
            }
            return p;
        }
        return as(w.inputFormat());
    }

    /** {@code out[t * w.rows + r] = (w x_t)[r]}: every input row times the matrix, rows split over threads. */
    void multiply(WeightMatrix w, float[] out, RowParallel parallel) {
        if (w.cols != length) {
            throw new IllegalStateException(w + " cannot multiply vectors of length " + length);
        }
        regionMatrices(1);
        region(0, w, inputFor(w), out);
        parallel.forEach(w.rows, (long) w.cols * rows, matricesTask);
    }

    /**
     * {@link #multiply} for several matrices sharing this input (Q, K and V; gate and up) in one parallel
     * region: their rows are split over the threads as one range, so the workers are handed work once
     * instead of once per matrix.
     */
    void multiply(WeightMatrix[] ws, float[][] outs, RowParallel parallel) {
        regionMatrices(ws.length);
        for (int i = 0; i < ws.length; i++) {
            if (ws[i].cols != length) {
                throw new IllegalStateException(ws[i] + " cannot multiply vectors of length " + length);
            }
            region(i, ws[i], inputFor(ws[i]), outs[i]);
        }
        parallel.forEach(regionStarts[ws.length], (long) length * rows, matricesTask);
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
        regionMatrices(2);
        region(0, gateWeights, inputFor(gateWeights), gate);
        region(1, upWeights, inputFor(upWeights), up);
        parallel.forEach(gateWeights.rows, 2L * length * rows, swiGluTask);
    }

    private void regionMatrices(int count) {
        if (regionWeights.length < count) {
            regionWeights = new WeightMatrix[count];
            regionInputs = new Activations[count];
            regionOutputs = new float[count][];
            regionStarts = new int[count + 1];
        }
        regionCount = count;
    }

    private void region(int i, WeightMatrix w, Activations x, float[] out) {
        regionWeights[i] = w;
        regionInputs[i] = x;
        regionOutputs[i] = out;
        regionStarts[i + 1] = regionStarts[i] + w.rows;
    }

    /** Rows {@code from ..< to} of the region's matrices, taken as one range. */
    private void multiplyRange(int from, int to) {
        for (int i = 0; i < regionCount; i++) {
            int lo = Math.max(from, regionStarts[i]);
            int hi = Math.min(to, regionStarts[i + 1]);
            if (lo < hi) {
                regionWeights[i].multiplyPrepared(regionInputs[i], rows, regionOutputs[i], lo - regionStarts[i], hi - regionStarts[i]);
            }
        }
    }

    /** Rows {@code from ..< to} of the gate and up projections, then SwiGLU over them. */
    private void swiGluRange(int from, int to) {
        float[] gate = regionOutputs[0];
        float[] up = regionOutputs[1];
        regionWeights[0].multiplyPrepared(regionInputs[0], rows, gate, from, to);
        regionWeights[1].multiplyPrepared(regionInputs[1], rows, up, from, to);
        int ffn = regionWeights[0].rows;
        for (int t = 0; t < rows; t++) {
            for (int i = t * ffn + from, end = t * ffn + to; i < end; i++) {
                float g = gate[i];
                gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
            }
        }
    }
}
