package io.llama4j.spi;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named weight tensor viewed over mapped memory, never copied to the heap.
 *
 * <pre>{@code
 * Tensor wq = weights.find("blk.0.attn_q.weight").orElseThrow();
 * long rowBytes = wq.type().byteSize(wq.rowLength());
 * MemorySegment row3 = wq.data().asSlice(3 * rowBytes, rowBytes);   // a view, no copy
 * }</pre>
 *
 * @param name  the name in the source file
 * @param type  the element type
 * @param shape dimensions, fastest-varying first (GGUF order: {@code shape[0]} is the row length)
 * @param data  exactly the tensor's bytes
 */
public record Tensor(String name, TensorType type, long[] shape, MemorySegment data) {
    public Tensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Elements per row ({@code shape[0]}). */
    public long rowLength() {
        return shape[0];
    }

    /** Number of rows (product of the other dimensions). */
    public long rows() {
        return elementCount() / shape[0];
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }
}
