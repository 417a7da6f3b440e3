package io.llama4j;

/**
 * How a session's KV cache stores keys and values.
 *
 * <p>Memory per token of context is {@code 2 * layers * kvHeads * headDim * bytesPerElement()} bytes
 * ({@link LlamaModel#kvBytesPerToken(KvCacheType)}): for Llama 3.1 8B (32 layers, 8 KV heads of 128) that is
 * 256 KiB in {@link #F32} and 128 KiB in {@link #F16}; for 3.2 1B (16 layers, 8 of 64) 64 and 32 KiB.
 *
 * <pre>{@code
 * Session session = model.newSession(SessionOptions.defaults().withKvCacheType(KvCacheType.F16));
 * }</pre>
 */
public enum KvCacheType {
    /**
     * float32, the default: keys and values exactly as computed. The llama.cpp references of this project's
     * tests are recorded with an F32 cache, and the Java executor matches them closest this way.
     */
    F32(4),
    /**
     * IEEE binary16 (llama.cpp's default cache type), half the memory. Values are rounded to nearest-even
     * when stored, and, as ggml's F16 matrix products do, the query and the attention weights are rounded
     * to F16 before they meet the cached keys and values; products are summed in float32.
     */
    F16(2);

    private final int bytesPerElement;

    KvCacheType(int bytesPerElement) {
        this.bytesPerElement = bytesPerElement;
    }

    /** Bytes per stored number: 4 or 2. */
    public int bytesPerElement() {
        return bytesPerElement;
    }
}
