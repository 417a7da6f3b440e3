package io.llama4j.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.llama4j.ContextOverflowException;
import io.llama4j.LlamaException;
import io.llama4j.spi.InferenceState;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One sequence on an ONNX decoder graph. Each step feeds the new tokens, an all-ones attention mask over
 * every position so far, their positions, and the KV cache; it reads back only the last position's logits.
 * The inputs are written into native buffers the state owns (a decode step allocates no native memory); a
 * multi-row logits output lives in a confined arena closed when the step ends, and every ORT tensor and
 * result is closed, so thousands of steps hold no more native memory than one.
 */
final class OnnxInferenceState implements InferenceState {
    /**
     * Longest run per call: the graph returns logits for every input position (vocabulary-wide rows), so a
     * long prompt is fed in chunks to bound that buffer (128 x 128256 floats = 64 MB). Causal attention
     * makes the chunked result identical.
     */
    static final int MAX_CHUNK = 128;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final GraphLayout layout;
    private final int vocabularySize;
    private final int contextLength;
    private final KvCache cache;
    private final int chunk;
    /** The pinned logits output of single-token steps, reused: decode allocates nothing of vocabulary size. */
    private final Arena stateMemory = Arena.ofShared();
    private final OnnxTensor decodeLogits;
    private final ByteBuffer decodeLogitsBuffer;
    /**
     * Inputs written in place each step and wrapped by prefix (ORT wraps a direct buffer without copying):
     * {@code contextLength} ones for the attention mask, filled once, and room for the ids and positions of
     * the longest run. A decode step allocates no native memory and fills no mask.
     */
    private final ByteBuffer maskOnes;
    private final ByteBuffer idsBuffer;
    private final ByteBuffer positionsBuffer;

    OnnxInferenceState(OrtEnvironment env, OrtSession session, GraphLayout layout, int vocabularySize, int contextLength,
            int chunk) {
        if (contextLength < 1) {
            throw new IllegalArgumentException("context length must be at least 1, got " + contextLength);
        }
        this.env = env;
        this.session = session;
        this.layout = layout;
        this.vocabularySize = vocabularySize;
        this.contextLength = contextLength;
        this.chunk = chunk;
        this.cache = layout.sharedBuffer() ? new SharedKvCache(env, layout, contextLength) : new GrowingKvCache(env, layout);
        this.decodeLogitsBuffer = NativeTensors.allocate(stateMemory, vocabularySize * NativeTensors.bytesPerElement(layout.logitsType()));
        this.decodeLogits = NativeTensors.wrap(env, decodeLogitsBuffer, layout.logitsType(), 1, 1, vocabularySize);
        int longestRun = layout.logitsLength() > 0 ? contextLength : Math.min(chunk, contextLength);
        this.maskOnes = NativeTensors.allocate(stateMemory, contextLength * NativeTensors.bytesPerElement(layout.attentionMaskType()));
        for (int i = 0; i < contextLength; i++) {
            NativeTensors.put(maskOnes, layout.attentionMaskType(), i, 1);
        }
        this.idsBuffer = NativeTensors.allocate(stateMemory, longestRun * NativeTensors.bytesPerElement(layout.inputIdsType()));
        this.positionsBuffer = layout.positionIds() == null ? null
                : NativeTensors.allocate(stateMemory, longestRun * NativeTensors.bytesPerElement(layout.positionIdsType()));
    }

    @Override
    public float[] forward(int[] tokens, int position) {
        int n = tokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("no tokens to evaluate");
        }
        if (position < 0 || position + n > contextLength) {
            throw new ContextOverflowException("positions " + position + ".." + (position + n - 1)
                    + " do not fit in a context of " + contextLength + " tokens");
        }
        if (position > cache.length()) {
            throw new IllegalArgumentException("position " + position + " leaves a gap after the " + cache.length()
                    + " cached positions");
        }
        for (int token : tokens) {
            if (token < 0 || token >= vocabularySize) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary (0.."
                        + (vocabularySize - 1) + ")");
            }
        }
        cache.truncate(position);
        // Graphs that return one row of logits per run (last-token-only exports) still see every token.
        int chunk = layout.logitsLength() > 0 ? n : this.chunk;
        float[] logits = null;
        for (int start = 0; start < n; start += chunk) {
            int end = Math.min(n, start + chunk);
            logits = step(java.util.Arrays.copyOfRange(tokens, start, end), position + start);
        }
        return logits;
    }

    private float[] step(int[] tokens, int position) {
        int n = tokens.length;
        int total = position + n;
        List<OnnxTensor> created = new ArrayList<>(4);
        Arena rowsMemory = null;
        try {
            Map<String, OnnxTensorLike> inputs = new HashMap<>();
            for (int i = 0; i < n; i++) {
                NativeTensors.put(idsBuffer, layout.inputIdsType(), i, tokens[i]);
            }
            inputs.put(layout.inputIds(), keep(created, NativeTensors.prefix(env, idsBuffer, layout.inputIdsType(), 1, n)));
            inputs.put(layout.attentionMask(), keep(created, NativeTensors.prefix(env, maskOnes, layout.attentionMaskType(), 1, total)));
            if (layout.positionIds() != null) {
                for (int i = 0; i < n; i++) {
                    NativeTensors.put(positionsBuffer, layout.positionIdsType(), i, position + i);
                }
                inputs.put(layout.positionIds(), keep(created, NativeTensors.prefix(env, positionsBuffer, layout.positionIdsType(), 1, n)));
            }
            cache.addPast(inputs);

            long rows = layout.logitsLength() > 0 ? layout.logitsLength() : n;
            OnnxTensor logits;
            if (rows == 1) {
                logits = decodeLogits;
            } else {
                rowsMemory = Arena.ofConfined();
                logits = keep(created, NativeTensors.empty(env, rowsMemory, layout.logitsType(), 1, rows, vocabularySize));
            }
            Map<String, OnnxValue> pinned = new HashMap<>();
            pinned.put(layout.logits(), logits);
            cache.addPinnedOutputs(pinned);

            OrtSession.Result result = session.run(inputs, cache.requestedOutputs(), pinned);
            cache.accept(result, total);
            return lastRow(logits.getBufferRef().orElseThrow(), rows);
        } catch (OrtException e) {
            throw new LlamaException("ONNX Runtime failed at positions " + position + ".." + (total - 1) + ": "
                    + e.getMessage(), e);
        } finally {
            created.forEach(OnnxTensor::close);
            if (rowsMemory != null) {
                rowsMemory.close();
            }
        }
    }

    private float[] lastRow(java.nio.Buffer buffer, long rows) {
        float[] out = new float[vocabularySize];
        int offset = Math.toIntExact((rows - 1) * vocabularySize);
        ByteBuffer bytes = (ByteBuffer) buffer;
        if (layout.logitsType() == OnnxJavaType.FLOAT) {
            bytes.asFloatBuffer().get(offset, out);
        } else {
            var halves = bytes.asShortBuffer();
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.float16ToFloat(halves.get(offset + i));
            }
        }
        return out;
    }

    private static OnnxTensor keep(List<OnnxTensor> created, OnnxTensor tensor) {
        created.add(tensor);
        return tensor;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public void close() {
        cache.close();
        decodeLogits.close();
        stateMemory.close();
    }
}
