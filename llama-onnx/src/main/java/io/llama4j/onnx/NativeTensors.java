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

    /** An integer tensor (int64 or int32, whichever the graph declares) holding {@code values}. */
    static OnnxTensor integers(OrtEnvironment env, Arena arena, OnnxJavaType type, long[] values, long... shape) {
        ByteBuffer buffer = allocate(arena, values.length * bytesPerElement(type));
        for (long v : values) {
            if (type == OnnxJavaType.INT64) {
                buffer.putLong(v);
            } else if (type == OnnxJavaType.INT32) {
                buffer.putInt(Math.toIntExact(v));
            } else {
                throw new LlamaException("integer input of type " + type);
            }
        }
        return wrap(env, buffer.rewind(), type, shape);
    }

    static OnnxTensor wrap(OrtEnvironment env, ByteBuffer buffer, OnnxJavaType type, long... shape) {
        try {
            return OnnxTensor.createTensor(env, buffer, shape, type);
        } catch (OrtException e) {
            throw new LlamaException("ONNX Runtime cannot wrap a tensor: " + e.getMessage(), e);
        }
    }
}
