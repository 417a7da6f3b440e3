package io.llama4j.kernel;

import io.llama4j.spi.Tensor;

final class F16Matrix extends WeightMatrix {
    F16Matrix(Tensor tensor) {
        super(tensor, tensor.rowLength() * 2L);
    }

    @Override
    ActivationFormat inputFormat() {
        return ActivationFormat.F16;
    }

    @Override
    float dot(int row, Activations x, int t) {
        if (!VectorSupport.ENABLED) {
            return scalarDot(row, x, t);
        }
        FloatActivations a = (FloatActivations) x;
        return VectorDots.f16(data, row * rowBytes, a.values, a.offset(t), cols);
    }

    @Override
    float scalarDot(int row, Activations x, int t) {
        FloatActivations a = (FloatActivations) x;
        long base = row * rowBytes;
        float sum = 0;
        int o = a.offset(t);
        for (int i = 0; i < cols; i++) {
            sum += f16At(base + 2L * i) * a.values[o + i];
        }
        return sum;
    }

    /** Prefill: tiles of rows stay in cache while groups of four input rows pass over them (see {@link VectorDots#f16Rows}). */
    @Override
    void multiplyRows(Activations x, int tokens, float[] out, int from, int to) {
        if (!VectorSupport.ENABLED || tokens == 1) {
            super.multiplyRows(x, tokens, out, from, to);
            return;
        }
        FloatActivations a = (FloatActivations) x;
        multiplyInRowTiles(tokens, out, from, to, (rowOffset, firstToken, count, o, at, stride) ->
                VectorDots.f16Rows(data, rowOffset, a, firstToken, count, cols, o, at, stride));
    }

    @Override
    void dequantizeSpan(int row, int col, int count, float[] out, int offset) {
        if (VectorSupport.ENABLED && count % 16 == 0) {
            SpanDequantizer.f16(data, row * rowBytes, col, count, out, offset);
            return;
        }
        long base = row * rowBytes + 2L * col;
        for (int i = 0; i < count; i++) {
            out[offset + i] = f16At(base + 2L * i);
        }
    }

    @Override
    void dequantizeRow(int row, float[] out, int offset) {
        long base = row * rowBytes;
        for (int i = 0; i < cols; i++) {
            out[offset + i] = f16At(base + 2L * i);
        }
    }
}
