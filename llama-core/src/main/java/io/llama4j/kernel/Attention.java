package io.llama4j.kernel;

/**
 * Causal grouped-query attention over the KV cache: query head h reads KV head {@code h / (heads/kvHeads)},
 * and the token at position p sees positions {@code 0..p}. Scores are scaled by {@code 1/sqrt(headDim)},
 * soft-maxed in float with a double sum (as ggml does) and used to weight the cached values.
 */
final class Attention {
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float scale;

    Attention(int heads, int kvHeads, int headDim) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
        if (VectorSupport.ENABLED) {
            return VectorDots.dot(a, ao, b, bo, n);
        }
        float sum = 0;
        for (int i = 0; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    private static void addScaled(float[] out, int o, float p, float[] v, int vo, int n) {
        if (VectorSupport.ENABLED) {
            VectorDots.addScaled(out, o, p, v, vo, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            out[o + i] += p * v[vo + i];
        }
    }

    /**
     * For each of {@code tokens} queries (token t at position {@code firstPosition + t}) writes the attention
     * output of every head to {@code out[t * heads * headDim ..]}.
     */
    void attend(float[] q, float[] keys, float[] values, int firstPosition, int tokens, float[] out,
                RowParallel parallel) {
        int group = heads / kvHeads;
        int kvDim = kvHeads * headDim;
        int qDim = heads * headDim;
        parallel.forEach(tokens * heads, (long) (firstPosition + tokens) * headDim * 2, (from, to) -> {
            float[] scores = new float[firstPosition + tokens];
            for (int task = from; task < to; task++) {
                int t = task / heads;
                int h = task % heads;
                int visible = firstPosition + t + 1;
                int qOffset = t * qDim + h * headDim;
                int kvOffset = (h / group) * headDim;
                float max = Float.NEGATIVE_INFINITY;
                for (int s = 0; s < visible; s++) {
                    scores[s] = dot(q, qOffset, keys, s * kvDim + kvOffset, headDim) * scale;
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
                    addScaled(out, o, scores[s] * norm, values, s * kvDim + kvOffset, headDim);
                }
            }
        });
    }
}
