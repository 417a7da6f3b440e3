package io.llama4j.format.gguf;

import io.llama4j.spi.TensorType;

/**
 * A tensor as the GGUF header describes it.
 *
 * @param offset byte offset of the data, relative to the start of the tensor data section
 * @param size   bytes of data
 */
record GgufTensorInfo(String name, TensorType type, long[] shape, long offset, long size) {
}
