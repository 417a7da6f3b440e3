package io.llama4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.llama4j.LlamaException;
import io.llama4j.UnsupportedModelException;
import io.llama4j.spi.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names and types of a decoder graph's inputs and outputs. HF optimum's decoder-with-past names are the
 * default; a {@code genai_config.json} may rename every one ({@code past_key_names: "past_key_values.%d.key"}
 * ...). {@code position_ids} is optional (onnxruntime-genai's GroupQueryAttention graphs derive positions
 * from the attention mask).
 *
 * @param positionIds  null when the graph has no such input
 * @param logitsLength the graph's fixed number of logits rows per run (1 for last-token-only exports), or
 *                     -1 when it returns one row per input token
 * @param sharedBuffer past and present are one buffer of the state's full length, updated in place
 *                     (genai {@code past_present_share_buffer}); otherwise present = past + new, fed back
 */
record GraphLayout(
        String inputIds, OnnxJavaType inputIdsType,
        String attentionMask, OnnxJavaType attentionMaskType,
        String positionIds, OnnxJavaType positionIdsType,
        List<String> pastKeys, List<String> pastValues,
        String logits, OnnxJavaType logitsType, long logitsLength,
        List<String> presentKeys, List<String> presentValues,
        OnnxJavaType kvType, int kvHeads, int headDim, boolean sharedBuffer) {

    static GraphLayout of(OrtSession session, OnnxFolder folder, ModelSpec spec) {
        try {
            return read(session.getInputInfo(), session.getOutputInfo(), folder, spec);
        } catch (OrtException e) {
            throw new LlamaException("ONNX Runtime cannot describe the graph's inputs: " + e.getMessage(), e);
        }
    }

    private static GraphLayout read(Map<String, NodeInfo> in, Map<String, NodeInfo> out, OnnxFolder folder,
            ModelSpec spec) {
        JsonNode inputs = folder.genaiDecoder().path("inputs");
        JsonNode outputs = folder.genaiDecoder().path("outputs");
        String ids = inputs.path("input_ids").asText("input_ids");
        String mask = inputs.path("attention_mask").asText("attention_mask");
        String positions = inputs.path("position_ids").asText("position_ids");
        String logits = outputs.path("logits").asText("logits");
        List<String> pastKeys = perLayer(inputs.path("past_key_names").asText("past_key_values.%d.key"), spec);
        List<String> pastValues = perLayer(inputs.path("past_value_names").asText("past_key_values.%d.value"), spec);
        List<String> presentKeys = perLayer(outputs.path("present_key_names").asText("present.%d.key"), spec);
        List<String> presentValues = perLayer(outputs.path("present_value_names").asText("present.%d.value"), spec);

        List<String> missing = new ArrayList<>();
        for (String name : concat(List.of(ids, mask), pastKeys, pastValues)) {
            if (!in.containsKey(name)) {
                missing.add("input " + name);
            }
        }
        for (String name : concat(List.of(logits), presentKeys, presentValues)) {
            if (!out.containsKey(name)) {
                missing.add("output " + name);
            }
        }
        if (!missing.isEmpty()) {
            throw new UnsupportedModelException(folder.graph(), "not a Llama decoder-with-past graph of "
                    + spec.layers() + " layers: no " + String.join(", ", missing) + " (inputs " + new TreeSet<>(in.keySet())
                    + ", outputs " + new TreeSet<>(out.keySet()) + ")");
        }
        Set<String> known = new java.util.HashSet<>(concat(List.of(ids, mask, positions), pastKeys, pastValues));
        List<String> unknown = in.keySet().stream().filter(n -> !known.contains(n)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new UnsupportedModelException(folder.graph(), "inputs llama4j does not know how to feed: " + unknown
                    + " (older optimum merged decoders with use_cache_branch are not supported; re-export with optimum >= 1.14)");
        }

        TensorInfo past = tensor(in, pastKeys.get(0));
        TensorInfo logitsInfo = tensor(out, logits);
        long[] pastShape = past.getShape();
        long[] logitsShape = logitsInfo.getShape();
        int kvHeads = pastShape.length == 4 && pastShape[1] > 0 ? (int) pastShape[1] : spec.kvHeads();
        int headDim = pastShape.length == 4 && pastShape[3] > 0 ? (int) pastShape[3] : spec.headDim();
        long vocab = logitsShape[logitsShape.length - 1];
        if (kvHeads != spec.kvHeads() || headDim != spec.headDim() || (vocab > 0 && vocab != spec.vocabularySize())) {
            throw new UnsupportedModelException(folder.graph(), "the graph's shapes (kv heads " + kvHeads + ", head size "
                    + headDim + ", vocabulary " + vocab + ") disagree with the config (" + spec.kvHeads() + ", "
                    + spec.headDim() + ", " + spec.vocabularySize() + ")");
        }
        OnnxJavaType kvType = past.type;
        if (kvType != OnnxJavaType.FLOAT && kvType != OnnxJavaType.FLOAT16) {
            throw new UnsupportedModelException(folder.graph(), "KV cache of type " + kvType + " (float32 or float16 expected)");
        }
        if (logitsInfo.type != OnnxJavaType.FLOAT && logitsInfo.type != OnnxJavaType.FLOAT16) {
            throw new UnsupportedModelException(folder.graph(), "logits of type " + logitsInfo.type);
        }
        boolean hasPositions = in.containsKey(positions);
        return new GraphLayout(
                ids, tensor(in, ids).type,
                mask, tensor(in, mask).type,
                hasPositions ? positions : null, hasPositions ? tensor(in, positions).type : null,
                pastKeys, pastValues,
                logits, logitsInfo.type, logitsShape.length == 3 && logitsShape[1] > 0 ? logitsShape[1] : -1,
                presentKeys, presentValues,
                kvType, kvHeads, headDim,
                folder.genaiConfig().path("search").path("past_present_share_buffer").asBoolean(false));
    }

    private static List<String> perLayer(String pattern, ModelSpec spec) {
        List<String> names = new ArrayList<>(spec.layers());
        for (int layer = 0; layer < spec.layers(); layer++) {
            names.add(pattern.formatted(layer));
        }
        return names;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    private static TensorInfo tensor(Map<String, NodeInfo> infos, String name) {
        if (!(infos.get(name).getInfo() instanceof TensorInfo info)) {
            throw new LlamaException("graph value " + name + " is not a tensor");
        }
        return info;
    }
}
