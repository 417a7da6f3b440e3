package io.llama4j.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.llama4j.LlamaException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Tensors over native memory the caller's {@link Arena} owns. ORT wraps a direct native-order buffer without
 * copying it (a heap buffer would be copied), and the arena frees it when the step or state ends instead of
 * whenever the garbage collector gets round to a direct buffer.
 */
final class NativeTensors {
    private NativeTensors() {
    }

    static ByteBuffer allocate(Arena arena, long bytes) {
        // Zero-length segments are fine: ORT takes them for an empty past (past_sequence_length 0).
        return arena.allocate(bytes, 8).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    static long bytesPerElement(OnnxJavaType type) {
        return switch (type) {
            case FLOAT, INT32 -> 4;
            case FLOAT16, BFLOAT16 -> 2;
            case INT64 -> 8;
            default -> throw new LlamaException("unexpected tensor type " + type);
        };
    }

    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** An uninitialised tensor of {@code shape}, e.g. a pinned output ORT writes into. */
    static OnnxTensor empty(OrtEnvironment env, Arena arena, OnnxJavaType type, long... shape) {
        return wrap(env, allocate(arena, elements(shape) * bytesPerElement(type)), type, shape);
    }

    /** Writes {@code value} as element {@code index} of an integer buffer of {@code type} (int64 or int32). */
    static void put(ByteBuffer buffer, OnnxJavaType type, int index, long value) {
        if (type == OnnxJavaType.INT64) {
            buffer.putLong(index * 8, value);
        } else if (type == OnnxJavaType.INT32) {
            buffer.putInt(index * 4, Math.toIntExact(value));
        } else {
            throw new LlamaException("integer input of type " + type);
        }
    }

    /** A tensor over the first elements of {@code buffer} (no copy; the buffer must outlive the tensor). */
    static OnnxTensor prefix(OrtEnvironment env, ByteBuffer buffer, OnnxJavaType type, long... shape) {
        int bytes = Math.toIntExact(elements(shape) * bytesPerElement(type));
        return wrap(env, buffer.slice(0, bytes).order(ByteOrder.nativeOrder()), type, shape);
    }

    static OnnxTensor wrap(OrtEnvironment env, ByteBuffer buffer, OnnxJavaType type, long... shape) {
        try {
            return OnnxTensor.createTensor(env, buffer, shape, type);
        } catch (OrtException e) {
            throw new LlamaException("ONNX Runtime cannot wrap a tensor: " + e.getMessage(), e);
        }
    }
}
