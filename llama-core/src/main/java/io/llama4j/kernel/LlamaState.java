package io.llama4j.kernel;

import io.llama4j.ContextOverflowException;
import io.llama4j.KvCacheType;
import io.llama4j.spi.InferenceState;
import io.llama4j.spi.ModelSpec;

/**
 * One sequence on the pure-Java kernel: the Llama 3 forward pass over a batch of tokens, with its KV cache.
 *
 * <p>Per layer: RMSNorm, Q/K/V projections, RoPE, append K and V to the cache, causal grouped-query
 * attention, output projection and residual; RMSNorm, SwiGLU feed-forward and residual. After the last
 * layer only the final position is normalized and projected to logits.
 */
final class LlamaState implements InferenceState {
    private final LlamaExecutor model;
    private final ModelSpec spec;
    private final KvCache cache;
    private final ForwardBuffers buffers;
    /** Per layer, {@code {wq, wk, wv}}: the matrices of the fused Q/K/V region, built once. */
    private final WeightMatrix[][] qkvWeights;
    /** This sequence's attention region task, reused from layer to layer and step to step. */
    private final Attention.Call attentionCall;

    LlamaState(LlamaExecutor model, int contextLength) {
        this(model, contextLength, KvCacheType.F32);
    }

    LlamaState(LlamaExecutor model, int contextLength, KvCacheType kvType) {
        this(model, KvCache.of(kvType, model.spec().layers(), model.spec().kvDim(), checked(contextLength)));
    }

    private LlamaState(LlamaExecutor model, KvCache cache) {
        this.model = model;
        this.spec = model.spec();
        this.cache = cache;
        this.buffers = new ForwardBuffers(spec);
        this.attentionCall = new Attention.Call(model.attention);
        this.qkvWeights = new WeightMatrix[spec.layers()][];
        for (int l = 0; l < qkvWeights.length; l++) {
            LayerWeights w = model.layers[l];
            qkvWeights[l] = new WeightMatrix[] {w.wq(), w.wk(), w.wv()};
        }
    }

    private static int checked(int contextLength) {
        if (contextLength < 1) {
            throw new IllegalArgumentException("context length must be at least 1, got " + contextLength);
        }
        return contextLength;
    }

    @Override
    public int contextLength() {
        return cache.contextLength();
    }

    @Override
    public float[] forward(int[] tokens, int position) {
        float[] logits = new float[spec.vocabularySize()];
        forwardInto(tokens, position, logits);
        return logits;
    }

    /** The forward pass; after the first decode step, a decode step allocates nothing (see {@link ForwardBuffers}). */
    @Override
    public void forwardInto(int[] tokens, int position, float[] logits) {
        int n = tokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("no tokens to evaluate");
        }
        if (position < 0 || (long) position + n > cache.contextLength()) {
            throw new ContextOverflowException("positions " + position + ".." + (position + n - 1)
                    + " do not fit in a context of " + cache.contextLength() + " tokens");
        }
        for (int token : tokens) {
            if (token < 0 || token >= spec.vocabularySize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary (0.."
                        + (spec.vocabularySize() - 1) + ")");
            }
        }
        if (logits.length < spec.vocabularySize()) {
            throw new IllegalArgumentException("a logits array of " + logits.length + " cannot hold a vocabulary of "
                    + spec.vocabularySize());
        }
        cache.ensureCapacity(position + n);

        int dim = spec.dim();
        int qDim = spec.heads() * spec.headDim();
        int kvDim = spec.kvDim();
        RowParallel parallel = model.parallel;

        ForwardBuffers b = buffers.forTokens(n);
        float[] x = b.x;
        for (int t = 0; t < n; t++) {
            model.embedding.dequantizeRow(tokens[t], x, t * dim);
        }
        float[][] rope = b.rope;
        model.rope.table(position, n, rope);
        float[] normed = b.normed;
        float[] q = b.q;
        float[] k = b.k;
        float[] v = b.v;
        float[] attended = b.attended;
        float[] projected = b.projected;
        float[] gate = b.gate;

        for (int l = 0; l < spec.layers(); l++) {
            LayerWeights w = model.layers[l];

            rmsNorm(x, w.attentionNorm(), normed, n);
            b.normedInput.over(normed, n, dim).multiply(qkvWeights[l], b.qkv, parallel);
            for (int t = 0; t < n; t++) {
                model.rope.rotate(q, t * qDim, spec.heads(), rope[t]);
                model.rope.rotate(k, t * kvDim, spec.kvHeads(), rope[t]);
            }
            cache.store(l, position, k, v, n);
            model.attention.attend(q, cache, l, position, n, attended, parallel, attentionCall);
            b.attendedInput.over(attended, n, qDim).multiply(w.wo(), projected, parallel);
            add(x, projected);

            rmsNorm(x, w.ffnNorm(), normed, n);
            b.normedInput.over(normed, n, dim).multiplySwiGlu(w.gate(), w.up(), gate, b.up, parallel);
            b.gateInput.over(gate, n, spec.ffnDim()).multiply(w.down(), projected, parallel);
            add(x, projected);
        }

        float[] last = b.last;
        System.arraycopy(x, (n - 1) * dim, last, 0, dim);
        rmsNorm(last, model.outputNorm, b.lastNormed, 1);
        b.lastInput.over(b.lastNormed, 1, dim).multiply(model.output, logits, parallel);
    }

    /** {@code out = x / sqrt(mean(x^2) + eps) * weight}, row by row; the mean in double as ggml computes it. */
    private void rmsNorm(float[] x, float[] weight, float[] out, int rows) {
        int dim = weight.length;
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) {
                sum += x[o + i] * x[o + i];
            }
            float mean = (float) (sum / dim);
            float scale = 1f / (float) Math.sqrt(mean + spec.rmsNormEps());
            for (int i = 0; i < dim; i++) {
                out[o + i] = (x[o + i] * scale) * weight[i];
            }
        }
    }

    private static void add(float[] x, float[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }

    @Override
    public KvCacheType kvCacheType() {
        return cache.type();
    }

    @Override
    public InferenceState copy(int positions) {
        requirePositions(positions);
        return new LlamaState(model, cache.copy(positions));
    }

    @Override
    public void writeKv(int positions, java.io.DataOutput out) throws java.io.IOException {
        requirePositions(positions);
        cache.write(positions, out);
    }

    @Override
    public void readKv(int positions, java.io.DataInput in) throws java.io.IOException {
        requirePositions(positions);
        cache.read(positions, in);
    }

    private void requirePositions(int positions) {
        if (positions < 0 || positions > cache.contextLength()) {
            throw new IllegalArgumentException(positions + " positions do not fit in a context of "
                    + cache.contextLength());
        }
    }

    @Override
    public void close() {
        // The cache is plain heap memory; nothing to release beyond dropping references.
    }
}
