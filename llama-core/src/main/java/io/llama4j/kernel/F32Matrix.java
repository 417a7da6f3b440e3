package io.llama4j.kernel;

import io.llama4j.spi.Tensor;

final class F32Matrix extends WeightMatrix {
    F32Matrix(Tensor tensor) {
        super(tensor, tensor.rowLength() * 4L);
    }

    @Override
    ActivationFormat inputFormat() {
        return ActivationFormat.F32;
    }

    @Override
    float dot(int row, Activations x, int t) {
        if (!VectorSupport.ENABLED) {
            return scalarDot(row, x, t);
        }
        FloatActivations a = (FloatActivations) x;
        return VectorDots.f32(data, row * rowBytes, a.values, a.offset(t), cols);
    }

    @Override
    float scalarDot(int row, Activations x, int t) {
        FloatActivations a = (FloatActivations) x;
        long base = row * rowBytes;
        float sum = 0;
        int o = a.offset(t);
        for (int i = 0; i < cols; i++) {
            sum += data.get(FLOAT_LE, base + 4L * i) * a.values[o + i];
        }
        return sum;
    }

    /** F32 prefill keeps its dot products: the GEMM was not measured for it (no bench file is F32). */
    @Override
    boolean prefersPanelGemm(int tokens) {
        return false;
    }

    @Override
    void dequantizeSpan(int row, int col, int count, float[] out, int offset) {
        long base = row * rowBytes + 4L * col;
        for (int i = 0; i < count; i++) {
            out[offset + i] = data.get(FLOAT_LE, base + 4L * i);
        }
    }

    @Override
    void dequantizeRow(int row, float[] out, int offset) {
        long base = row * rowBytes;
        for (int i = 0; i < cols; i++) {
            out[offset + i] = data.get(FLOAT_LE, base + 4L * i);
        }
    }
}
