package io.llama4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import io.llama4j.UnsupportedModelException;
import io.llama4j.format.RopeScaling;
import io.llama4j.spi.ModelSpec;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@link ModelSpec} of an ONNX folder, from HF's {@code config.json} where present and otherwise from
 * {@code genai_config.json} (which lacks the feed-forward width and RoPE settings: the graph holds those,
 * so the ONNX executor never needs them).
 */
final class LlamaConfig {
    private LlamaConfig() {
    }

    static ModelSpec spec(OnnxFolder folder) {
        JsonNode hf = folder.config();
        JsonNode genai = folder.genaiConfig().path("model");
        JsonNode decoder = folder.genaiDecoder();
        String type = hf.path("model_type").asText(genai.path("type").asText("llama"));
        if (!type.equals("llama")) {
            throw new UnsupportedModelException(folder.folder(), "model type \"" + type + "\" is not llama");
        }
        int dim = required(folder, hf, "hidden_size", decoder, "hidden_size");
        int layers = required(folder, hf, "num_hidden_layers", decoder, "num_hidden_layers");
        int heads = required(folder, hf, "num_attention_heads", decoder, "num_attention_heads");
        int kvHeads = hf.path("num_key_value_heads").asInt(decoder.path("num_key_value_heads").asInt(heads));
        int headDim = hf.path("head_dim").asInt(decoder.path("head_size").asInt(dim / heads));
        int vocab = required(folder, hf, "vocab_size", genai, "vocab_size");
        int context = hf.path("max_position_embeddings").asInt(genai.path("context_length").asInt(0));
        if (context <= 0) {
            throw new UnsupportedModelException(folder.folder(), "no context length (max_position_embeddings)");
        }
        double theta = hf.path("rope_theta").asDouble(500_000);
        return new ModelSpec(
                folder.folder().getFileName().toString(),
                dim, layers, heads, kvHeads, headDim,
                hf.path("intermediate_size").asInt(0), // unknown from genai_config alone; the graph knows it
                vocab, context,
                (float) hf.path("rms_norm_eps").asDouble(1e-5),
                (float) theta,
                ropeDivisors(hf.path("rope_scaling"), headDim, theta),
                ModelSpec.RopePairing.HALVES, // HF checkpoints rotate halves; exporters keep that layout
                hf.path("tie_word_embeddings").asBoolean(false),
                hf.path("bos_token_id").asInt(genai.path("bos_token_id").asInt(-1)),
                endOfGeneration(folder));
    }

    /**
     * Llama 3 prompts start with {@code <|begin_of_text|>}: tokenizer.json's post-processor adds it unless
     * tokenizer_config.json says {@code add_bos_token: false}.
     */
    static boolean addsBos(OnnxFolder folder, ModelSpec spec) {
        return spec.bosToken() >= 0 && folder.tokenizerConfig().path("add_bos_token").asBoolean(true);
    }

    private static float[] ropeDivisors(JsonNode scaling, int headDim, double theta) {
        String kind = scaling.path("rope_type").asText(scaling.path("type").asText(""));
        if (!kind.equals("llama3")) {
            return RopeScaling.none(headDim);
        }
        return new RopeScaling(scaling.path("factor").asDouble(), scaling.path("low_freq_factor").asDouble(),
                scaling.path("high_freq_factor").asDouble(),
                scaling.path("original_max_position_embeddings").asDouble()).divisors(headDim, theta);
    }

    /** End tokens from every file that names some: config.json, generation_config.json and genai_config.json. */
    private static Set<Integer> endOfGeneration(OnnxFolder folder) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (JsonNode node : new JsonNode[] {folder.config().path("eos_token_id"),
                folder.generationConfig().path("eos_token_id"), folder.genaiConfig().path("model").path("eos_token_id")}) {
            if (node.isArray()) {
                node.forEach(id -> ids.add(id.asInt()));
            } else if (node.isInt()) {
                ids.add(node.asInt());
            }
        }
        return ids;
    }

    private static int required(OnnxFolder folder, JsonNode hf, String hfKey, JsonNode genai, String genaiKey) {
        int value = hf.path(hfKey).asInt(genai.path(genaiKey).asInt(0));
        if (value <= 0) {
            throw new UnsupportedModelException(folder.folder(),
                    "config.json has no " + hfKey + " and genai_config.json no " + genaiKey);
        }
        return value;
    }
}
