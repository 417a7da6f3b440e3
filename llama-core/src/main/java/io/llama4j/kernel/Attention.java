package io.llama4j.kernel;

/**
 * Causal grouped-query attention over the KV cache: query head h reads KV head {@code h / (heads/kvHeads)},
 * and the token at position p sees positions {@code 0..p}. Scores are scaled by {@code 1/sqrt(headDim)},
 * soft-maxed in float with a double sum (as ggml does) and used to weight the cached values. The cache is
 * read row by row through {@link KvCache}, whatever its element type.
 */
final class Attention {
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float scale;
    /**
     * Per thread, the scores row (grown to the longest context seen) and the query in the cache's operand
     * format: a region's chunks run on several threads at once, and a decode step must not allocate them.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    Attention(int heads, int kvHeads, int headDim) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /** As {@link #attend(float[], KvCache, int, int, int, float[], RowParallel)} over float32 arrays of rows. */
    void attend(float[] q, float[] keys, float[] values, int firstPosition, int tokens, float[] out,
                RowParallel parallel) {
        attend(q, KvCache.over(keys, values, kvHeads * headDim), 0, firstPosition, tokens, out, parallel);
    }

    /**
     * For each of {@code tokens} queries (token t at position {@code firstPosition + t}) writes the attention
     * output of every head to {@code out[t * heads * headDim ..]}, reading layer {@code layer} of the cache.
     */
    void attend(float[] q, KvCache cache, int layer, int firstPosition, int tokens, float[] out,
                RowParallel parallel) {
        attend(q, cache, layer, firstPosition, tokens, out, parallel, new Call(this));
    }

    /**
     * As {@link #attend(float[], KvCache, int, int, int, float[], RowParallel)}, through {@code call}, a
     * region task its caller keeps (one per sequence: a decode step then allocates nothing).
     */
    void attend(float[] q, KvCache cache, int layer, int firstPosition, int tokens, float[] out,
                RowParallel parallel, Call call) {
        call.q = q;
        call.cache = cache;
        call.layer = layer;
        call.firstPosition = firstPosition;
        call.tokens = tokens;
        call.out = out;
        parallel.forEach(tokens * heads, (long) (firstPosition + tokens) * headDim * 2, call);
    }

    /** The operands of one attention region, rewritten per call, and its task over (token, head) pairs. */
    static final class Call implements RowParallel.RangeTask {
        private final Attention attention;
        private float[] q;
        private KvCache cache;
        private int layer;
        private int firstPosition;
        private int tokens;
        private float[] out;

        Call(Attention attention) {
            this.attention = attention;
        }

        @Override
        public void run(int from, int to) {
            attention.attendPairs(q, cache, layer, firstPosition, tokens, out, from, to);
        }
    }

    /** (token, head) pairs {@code from ..< to}, numbered {@code token * heads + head}. */
    private void attendPairs(float[] q, KvCache cache, int layer, int firstPosition, int tokens, float[] out,
                             int from, int to) {
        int group = heads / kvHeads;
        int qDim = heads * headDim;
        float[][] scratch = SCRATCH.get();
        if (scratch[0].length < firstPosition + tokens) {
            scratch[0] = new float[Math.max(firstPosition + tokens, 2 * scratch[0].length)];
        }
        if (scratch[1].length < headDim) {
            scratch[1] = new float[headDim];
        }
        float[] scores = scratch[0];
        float[] query = scratch[1];
        for (int task = from; task < to; task++) {
            int t = task / heads;
            int h = task % heads;
            int visible = firstPosition + t + 1;
            int qOffset = t * qDim + h * headDim;
            int kvOffset = (h / group) * headDim;
            for (int i = 0; i < headDim; i++) {
                query[i] = cache.operand(q[qOffset + i]);
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int s = 0; s < visible; s++) {
                scores[s] = cache.keyDot(layer, s, kvOffset, query, 0, headDim) * scale;
                max = Math.max(max, scores[s]);
            }
            double sum = 0;
            for (int s = 0; s < visible; s++) {
                scores[s] = (float) Math.exp(scores[s] - max);
                sum += scores[s];
            }
            float norm = (float) (1.0 / sum);
            int o = t * qDim + h * headDim;
            java.util.Arrays.fill(out, o, o + headDim, 0f);
            for (int s = 0; s < visible; s++) {
                cache.addValue(layer, s, kvOffset, cache.operand(scores[s] * norm), out, o, headDim);
            }
        }
    }
}
