package io.llama4j.format.safetensors;

import io.llama4j.spi.TensorType;
import java.util.Optional;

/** The element types a safetensors header may name, with their widths and the kernel's type where it has one. */
enum SafetensorsDtype {
    BOOL(1, null), U8(1, null), I8(1, null), F8_E5M2(1, null), F8_E4M3(1, null),
    I16(2, null), U16(2, null), F16(2, TensorType.F16), BF16(2, TensorType.BF16),
    I32(4, null), U32(4, null), F32(4, TensorType.F32),
    F64(8, null), I64(8, null), U64(8, null);

    private final int bytes;
    private final TensorType kernelType;

    SafetensorsDtype(int bytes, TensorType kernelType) {
        this.bytes = bytes;
        this.kernelType = kernelType;
    }

    int bytes() {
        return bytes;
    }

    /** The type the kernel multiplies with: BF16, F16 and F32 only, the types Llama checkpoints are published in. */
    Optional<TensorType> kernelType() {
        return Optional.ofNullable(kernelType);
    }

    /** The dtype spelled {@code name} in a header, if the format defines it. */
    static Optional<SafetensorsDtype> named(String name) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
