package io.llama4j.format.safetensors;

import io.llama4j.spi.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HuggingFace {@code LlamaForCausalLM} tensor names and the GGUF names the kernel looks tensors up by
 * (the table of the reference sheet, section 1.2). Tensors of other roles (rotary caches some old
 * checkpoints saved) have no GGUF name and are ignored.
 */
final class HfTensorNames {
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");
    private static final Map<String, String> GLOBAL = Map.of(
            "model.embed_tokens.weight", "token_embd.weight",
            "model.norm.weight", "output_norm.weight",
            "lm_head.weight", "output.weight");
    private static final Map<String, String> PER_LAYER = Map.of(
            "input_layernorm.weight", "attn_norm.weight",
            "self_attn.q_proj.weight", "attn_q.weight",
            "self_attn.k_proj.weight", "attn_k.weight",
            "self_attn.v_proj.weight", "attn_v.weight",
            "self_attn.o_proj.weight", "attn_output.weight",
            "post_attention_layernorm.weight", "ffn_norm.weight",
            "mlp.gate_proj.weight", "ffn_gate.weight",
            "mlp.up_proj.weight", "ffn_up.weight",
            "mlp.down_proj.weight", "ffn_down.weight");

    private static final List<String> PER_LAYER_ORDER = List.of("input_layernorm.weight",
            "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight", "self_attn.o_proj.weight",
            "post_attention_layernorm.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight");

    private HfTensorNames() {
    }

    /**
     * The first tensor the forward pass needs for {@code spec} that {@code present} lacks, found without listing them all: a
     * corrupt {@code num_hidden_layers} of two billion stops at the first layer the files do not hold.
     */
    static Optional<String> firstMissing(ModelSpec spec, java.util.function.Predicate<String> present) {
        List<String> global = new ArrayList<>(List.of("model.embed_tokens.weight", "model.norm.weight"));
        if (!spec.tiedEmbeddings()) {
            global.add("lm_head.weight");
        }
        for (String name : global) {
            if (!present.test(name)) {
                return Optional.of(name);
            }
        }
        for (int l = 0; l < spec.layers(); l++) {
            for (String role : PER_LAYER_ORDER) {
                String name = "model.layers." + l + "." + role;
                if (!present.test(name)) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }

    /** The GGUF name of an HF tensor, if the Llama forward pass uses it. */
    static Optional<String> ggufName(String hfName) {
        String global = GLOBAL.get(hfName);
        if (global != null) {
            return Optional.of(global);
        }
        Matcher m = LAYER.matcher(hfName);
        if (m.matches()) {
            String role = PER_LAYER.get(m.group(2));
            if (role != null) {
                return Optional.of("blk." + Integer.parseInt(m.group(1)) + "." + role);
            }
        }
        return Optional.empty();
    }
}
