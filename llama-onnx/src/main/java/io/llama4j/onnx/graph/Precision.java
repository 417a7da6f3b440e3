package io.llama4j.onnx.graph;

import io.llama4j.onnx.proto.Onnx.TensorProto;

/**
 * The float type of a built graph's activations, float weights, scales and KV cache: {@code FP32} for ONNX
 * Runtime's CPU kernels, {@code FP16} for CUDA (half the memory, tensor cores).
 *
 * <pre>{@code
 * GraphOptions cuda = new GraphOptions(Precision.FP16, false, 0, 4);
 * // or through the executor's setting:
 * LoadOptions options = LoadOptions.defaults().withExecutor("onnx").withExecutorSetting("onnx.precision", "fp16");
 * }</pre>
 */
public enum Precision {
    FP32(TensorProto.DataType.FLOAT_VALUE, 4),
    FP16(TensorProto.DataType.FLOAT16_VALUE, 2);

    final int onnxType;
    final int bytes;

    Precision(int onnxType, int bytes) {
        this.onnxType = onnxType;
        this.bytes = bytes;
    }

    void put(java.nio.ByteBuffer out, float value) {
        if (this == FP32) {
            out.putFloat(value);
        } else {
            out.putShort(Float.floatToFloat16(value));
        }
    }

    /** {@code value} as this type stores it (FP16 rounds). */
    float round(float value) {
        return this == FP32 ? value : Float.float16ToFloat(Float.floatToFloat16(value));
    }
}
