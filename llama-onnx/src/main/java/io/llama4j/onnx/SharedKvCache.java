package io.llama4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * onnxruntime-genai's cache for GroupQueryAttention graphs ({@code past_present_share_buffer: true}): one
 * buffer per layer and kind, {@code [1, kvHeads, contextLength, headDim]}, bound both as the past input and
 * as the pinned present output, so GQA appends the new positions in place. The attention mask (and the
 * {@code seqlens_k} the graph derives from it), not the buffer's shape, says how many positions are valid,
 * which makes truncation free.
 */
final class SharedKvCache implements KvCache {
    private final GraphLayout layout;
    private final Arena memory = Arena.ofShared();
    private final List<OnnxTensor> keys = new ArrayList<>();
    private final List<OnnxTensor> values = new ArrayList<>();
    private int length;

    SharedKvCache(OrtEnvironment env, GraphLayout layout, int contextLength) {
        this.layout = layout;
        for (int layer = 0; layer < layout.pastKeys().size(); layer++) {
            keys.add(NativeTensors.empty(env, memory, layout.kvType(), 1, layout.kvHeads(), contextLength, layout.headDim()));
            values.add(NativeTensors.empty(env, memory, layout.kvType(), 1, layout.kvHeads(), contextLength, layout.headDim()));
        }
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void truncate(int newLength) {
        length = newLength;
    }

    @Override
    public void addPast(Map<String, OnnxTensorLike> inputs) {
        for (int layer = 0; layer < keys.size(); layer++) {
            inputs.put(layout.pastKeys().get(layer), keys.get(layer));
            inputs.put(layout.pastValues().get(layer), values.get(layer));
        }
    }

    @Override
    public Set<String> requestedOutputs() {
        return Set.of();
    }

    @Override
    public void addPinnedOutputs(Map<String, OnnxValue> pinned) {
        for (int layer = 0; layer < keys.size(); layer++) {
            pinned.put(layout.presentKeys().get(layer), keys.get(layer));
            pinned.put(layout.presentValues().get(layer), values.get(layer));
        }
    }

    @Override
    public void accept(OrtSession.Result result, int newLength) {
        result.close(); // every output was pinned: the result owns nothing
        length = newLength;
    }

    @Override
    public void close() {
        keys.forEach(OnnxTensor::close);
        values.forEach(OnnxTensor::close);
        memory.close();
    }
}
