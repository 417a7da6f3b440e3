package io.llama4j.format.safetensors;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One tensor of a safetensors file, as the header describes it.
 *
 * @param shape row-major, outermost first, as in the header (the reverse of GGUF's order)
 * @param begin where the tensor's bytes start in the data section (its {@code data_offsets} begin)
 * @param data  exactly the tensor's bytes, a view of the mapped file
 */
record SafetensorsTensor(String name, SafetensorsDtype dtype, long[] shape, long begin, MemorySegment data) {
    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
