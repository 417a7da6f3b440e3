package io.llama4j.spi;

import java.util.OptionalInt;

/**
 * Element types of weight tensors, numbered as ggml numbers them in GGUF files. Block types pack
 * {@link #blockSize()} elements into {@link #bytesPerBlock()} bytes along a row.
 *
 * <pre>{@code
 * TensorType type = TensorType.ofGgmlId(8);                 // Q8_0
 * long bytes = type.byteSize(4096);                        // 4096 / 32 blocks of 34 bytes = 4352
 * boolean known = TensorType.lookup(99).isPresent();     // false
 * }</pre>
 */
public enum TensorType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17);

    private final int ggmlId;
    private final int blockSize;
    private final int bytesPerBlock;

    TensorType(int ggmlId, int blockSize, int bytesPerBlock) {
        this.ggmlId = ggmlId;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    /** The type's number in ggml's enum, as stored in GGUF tensor infos. */
    public int ggmlId() {
        return ggmlId;
    }

    /** Elements per block (1 for plain float and integer types). */
    public int blockSize() {
        return blockSize;
    }

    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    /** Bytes taken by {@code elements} elements, which must be a whole number of blocks. */
    public long byteSize(long elements) {
        return Math.multiplyExact(elements / blockSize, (long) bytesPerBlock);
    }

    /** The type with this ggml number, if ggml defines one. */
    public static OptionalInt lookup(int ggmlId) {
        for (TensorType t : values()) {
            if (t.ggmlId == ggmlId) {
                return OptionalInt.of(t.ordinal());
            }
        }
        return OptionalInt.empty();
    }

    public static TensorType ofGgmlId(int ggmlId) {
        OptionalInt i = lookup(ggmlId);
        if (i.isEmpty()) {
            throw new IllegalArgumentException("unknown ggml tensor type " + ggmlId);
        }
        return values()[i.getAsInt()];
    }
}
