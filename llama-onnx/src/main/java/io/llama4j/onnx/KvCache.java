package io.llama4j.onnx;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.Set;

/**
 * One sequence's keys and values, in native memory, as the graph's past inputs and present outputs see
 * them. Two shapes of graph: present = past + new tokens, fed back next step ({@link GrowingKvCache}), or
 * one buffer of full length that the graph updates in place ({@link SharedKvCache}).
 */
interface KvCache extends AutoCloseable {
    /** Positions held. */
    int length();

    /** Drops positions {@code length ..}, so that the next step writes there. */
    void truncate(int length);

    /** Puts the past tensors into the next run's inputs. */
    void addPast(Map<String, OnnxTensorLike> inputs);

    /** Outputs ORT must allocate and return (present tensors of unknown size). */
    Set<String> requestedOutputs();

    /** Outputs ORT writes into caller-owned tensors (present buffers updated in place). */
    void addPinnedOutputs(Map<String, OnnxValue> pinned);

    /** Takes the run's result, which now covers {@code newLength} positions; becomes its owner. */
    void accept(OrtSession.Result result, int newLength);

    @Override
    void close();
}
