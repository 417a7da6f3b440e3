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

    /** {@code out[t * w.rows + r] = (w x_t)[r]}: every input row times the matrix, rows split over threads. */
    void multiply(WeightMatrix w, float[] out, RowParallel parallel) {
        if (w.cols != length) {
            throw new IllegalStateException(w + " cannot multiply vectors of length " + length);
        }
        Activations x = as(w.inputFormat());
        parallel.forEach(w.rows, (long) w.cols * rows, (from, to) -> w.multiplyRows(x, rows, out, from, to));
    }
}
