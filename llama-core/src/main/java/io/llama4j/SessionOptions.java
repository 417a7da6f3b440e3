package io.llama4j;

/**
 * How a {@link Session} is set up.
 *
 * <p>Memory: the KV cache of the Java executor stores, per token of context, a key and a value vector of
 * {@code kvHeads * headDim} numbers in every layer: {@link LlamaModel#kvBytesPerToken(KvCacheType)} =
 * {@code 2 * layers * kvHeads * headDim * bytesPerElement} bytes, 4 bytes per number in
 * {@link KvCacheType#F32} (the default) and 2 in {@link KvCacheType#F16}. In F32 that is 64 KiB per token
 * for Llama 3.2 1B (16 layers, 8 KV heads of 64), 224 KiB for 3.2 3B (28 layers, 8 of 128) and 256 KiB for
 * 3.1 8B (32 layers, 8 of 128), so 8B's full 128K context would need 32 GiB per session (16 GiB in F16).
 * The cache grows as tokens are added (in steps, up to the context length) rather than being allocated up
 * front. The ONNX executor keeps its cache in the graph's own type and refuses {@link KvCacheType#F16}.
 *
 * <pre>{@code
 * Session session = model.newSession(SessionOptions.defaults().withContextLength(8192)
 *         .withKvCacheType(KvCacheType.F16));
 * }</pre>
 *
 * <p>When the context is full: by default generation stops ({@link StopReason#CONTEXT_FULL}), and a prompt
 * longer than the context is refused with a {@link ContextOverflowException}. With
 * {@link #withContextShift(int)} generation goes on instead, as llama.cpp's context shift does: the first
 * {@code keep} tokens stay (a system prompt, say), the older half of the rest is dropped, and the tokens
 * after the kept ones are evaluated again at their new positions (this kernel caches keys after RoPE, so
 * moving them means recomputing them). The model then no longer sees the dropped tokens.
 *
 * @param contextLength     the most tokens the session holds; 0 picks {@link LlamaModel#defaultContextLength()}
 * @param contextShiftKeep  -1: stop when the context is full; otherwise shift it, keeping this many first tokens
 * @param kvCacheType       how the cache stores keys and values; F32 by default
 */
public record SessionOptions(int contextLength, int contextShiftKeep, KvCacheType kvCacheType) {

    public SessionOptions {
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be >= 1, or 0 for automatic, got " + contextLength);
        }
        if (contextShiftKeep < -1) {
            throw new IllegalArgumentException("context shift must keep >= 0 tokens (-1 = no shift), got " + contextShiftKeep);
        }
        if (kvCacheType == null) {
            throw new IllegalArgumentException("kvCacheType is required");
        }
    }

    /** With an F32 cache. */
    public SessionOptions(int contextLength, int contextShiftKeep) {
        this(contextLength, contextShiftKeep, KvCacheType.F32);
    }

    /** Automatic context length, no context shift. */
    public static SessionOptions defaults() {
        return new SessionOptions(0, -1);
    }

    public SessionOptions withContextLength(int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("context length must be at least 1, got " + tokens);
        }
        return new SessionOptions(tokens, contextShiftKeep, kvCacheType);
    }

    /** When generation fills the context, keep the first {@code keepTokens} and drop the older half of the rest. */
    public SessionOptions withContextShift(int keepTokens) {
        if (keepTokens < 0) {
            throw new IllegalArgumentException("context shift must keep >= 0 tokens, got " + keepTokens);
        }
        return new SessionOptions(contextLength, keepTokens, kvCacheType);
    }

    /** Stores keys and values as {@code type}: {@link KvCacheType#F16} halves the cache's memory. */
    public SessionOptions withKvCacheType(KvCacheType type) {
        return new SessionOptions(contextLength, contextShiftKeep, type);
    }
}
