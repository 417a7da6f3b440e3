package io.llama4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HF optimum's cache: each run returns {@code present.N.*} = past + the new positions, and the next run takes
 * those very tensors as {@code past_key_values.N.*}. The tensors stay in ORT's memory; this class only holds
 * the {@link OrtSession.Result} that owns them and closes it once the next run has consumed them.
 */
final class GrowingKvCache implements KvCache {
    private final OrtEnvironment env;
    private final GraphLayout layout;
    /** Owns the zero-length first past, and the copies a mid-sequence truncation makes. */
    private Arena own;
    private final Map<String, OnnxTensor> ownPast = new HashMap<>();
    private OrtSession.Result held;
    /** The present outputs, the same set every run. */
    private final Set<String> requested;
    private int length;

    GrowingKvCache(OrtEnvironment env, GraphLayout layout) {
        this.env = env;
        this.layout = layout;
        Set<String> names = new LinkedHashSet<>(layout.presentKeys());
        names.addAll(layout.presentValues());
        this.requested = java.util.Collections.unmodifiableSet(names);
        reset();
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void truncate(int newLength) {
        if (newLength == length) {
            return;
        }
        if (newLength == 0) {
            reset();
            return;
        }
        // Rare (a session rewinding into its history): copy the first newLength positions of every head.
        Arena copies = Arena.ofShared();
        Map<String, OnnxTensor> sliced = new HashMap<>();
        for (int layer = 0; layer < layout.pastKeys().size(); layer++) {
            sliced.put(layout.pastKeys().get(layer), slice(copies, past(layout.pastKeys().get(layer)), newLength));
            sliced.put(layout.pastValues().get(layer), slice(copies, past(layout.pastValues().get(layer)), newLength));
        }
        release();
        own = copies;
        ownPast.putAll(sliced);
        length = newLength;
    }

    private OnnxTensor slice(Arena arena, OnnxTensor full, int newLength) {
        long elementBytes = NativeTensors.bytesPerElement(layout.kvType());
        long rowBytes = layout.headDim() * elementBytes;
        ByteBuffer source = full.getByteBuffer(); // a copy: ORT has no way to view an output in place
        ByteBuffer target = NativeTensors.allocate(arena, layout.kvHeads() * newLength * rowBytes);
        for (int head = 0; head < layout.kvHeads(); head++) {
            int from = Math.toIntExact(head * length * rowBytes);
            target.put(source.slice(from, Math.toIntExact(newLength * rowBytes)));
        }
        return NativeTensors.wrap(env, target.rewind(), layout.kvType(), 1, layout.kvHeads(), newLength, layout.headDim());
    }

    private OnnxTensor past(String pastName) {
        if (held == null) {
            return ownPast.get(pastName);
        }
        int layer = layout.pastKeys().indexOf(pastName);
        String present = layer >= 0 ? layout.presentKeys().get(layer)
                : layout.presentValues().get(layout.pastValues().indexOf(pastName));
        return (OnnxTensor) held.get(present).orElseThrow();
    }

    @Override
    public void addPast(Map<String, OnnxTensorLike> inputs) {
        for (int layer = 0; layer < layout.pastKeys().size(); layer++) {
            inputs.put(layout.pastKeys().get(layer), past(layout.pastKeys().get(layer)));
            inputs.put(layout.pastValues().get(layer), past(layout.pastValues().get(layer)));
        }
    }

    @Override
    public Set<String> requestedOutputs() {
        return requested;
    }

    @Override
    public void addPinnedOutputs(Map<String, OnnxValue> pinned) {
    }

    @Override
    public void accept(OrtSession.Result result, int newLength) {
        release();
        held = result;
        length = newLength;
    }

    private void reset() {
        release();
        own = Arena.ofShared();
        for (String name : allPastNames()) {
            ownPast.put(name, NativeTensors.empty(env, own, layout.kvType(), 1, layout.kvHeads(), 0, layout.headDim()));
        }
        length = 0;
    }

    private List<String> allPastNames() {
        List<String> names = new ArrayList<>(layout.pastKeys());
        names.addAll(layout.pastValues());
        return names;
    }

    /** Closes what the cache holds: the last result (ORT's present tensors) and its own tensors and memory. */
    private void release() {
        if (held != null) {
            held.close();
            held = null;
        }
        ownPast.values().forEach(OnnxTensor::close);
        ownPast.clear();
        if (own != null) {
            own.close();
            own = null;
        }
    }

    @Override
    public void close() {
        release();
    }
}
