package io.llama4j.format.safetensors;

import io.llama4j.ModelFormatException;
import io.llama4j.UnsupportedModelException;
import io.llama4j.format.RopeScaling;
import io.llama4j.spi.ModelSpec;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A HuggingFace {@code config.json} of a {@code LlamaForCausalLM}, read into a {@link ModelSpec}. Defaults
 * are those of transformers' {@code LlamaConfig} where a key is absent, except that nothing Llama 3 needs
 * (sizes, {@code rope_theta}) is guessed: pitfall 12 of the reference sheet is a silent 10000 default.
 */
final class HfConfig {
    static final int MAX_HEAD_DIM = 1 << 14;
    private final JsonFields config;

    HfConfig(JsonFields config) {
        this.config = config;
    }

    /**
     * The model description. HF checkpoints keep Q/K rows in rotate-half order, so the spec asks the
     * kernel for {@link ModelSpec.RopePairing#HALVES}; see {@link HfFolderFormat} for why we do not
     * permute the rows instead.
     *
     * @param moreEndOfGeneration end-of-generation ids found elsewhere (generation_config, tokenizer)
     */
    ModelSpec spec(String name, Set<Integer> moreEndOfGeneration) {
        checkArchitecture();
        int dim = config.positiveInt("hidden_size");
        int layers = config.positiveInt("num_hidden_layers");
        int heads = config.positiveInt("num_attention_heads");
        int kvHeads = config.has("num_key_value_heads") ? config.positiveInt("num_key_value_heads") : heads;
        if (heads % kvHeads != 0) {
            throw new UnsupportedModelException(config.file(), heads + " attention heads cannot be grouped over "
                    + kvHeads + " key/value heads");
        }
        int headDim = config.has("head_dim") ? config.positiveInt("head_dim") : dim / heads;
        // The rope table is sized from the head before any tensor can confirm it: bound it by what any
        // Llama has (128) with a wide margin, so a corrupt config cannot ask for gigabytes.
        if (headDim > MAX_HEAD_DIM) {
            throw new ModelFormatException(config.file(), "head size " + headDim + " is larger than the "
                    + MAX_HEAD_DIM + " llama4j accepts");
        }
        if (headDim % 2 != 0 || (!config.has("head_dim") && dim % heads != 0)) {
            throw new UnsupportedModelException(config.file(), "head size " + headDim + " (hidden_size " + dim
                    + " over " + heads + " heads) must be a whole, even number");
        }
        int ffn = config.positiveInt("intermediate_size");
        int vocab = config.positiveInt("vocab_size");
        int context = config.positiveInt("max_position_embeddings");
        float eps = config.optionalReal("rms_norm_eps").orElse(1e-6).floatValue();
        if (!(eps > 0) || Float.isInfinite(eps)) {
            throw new ModelFormatException(config.file(), "rms_norm_eps " + eps + " must be a positive number");
        }
        RopeSettings rope = ropeSettings();
        boolean tied = config.optionalBoolean("tie_word_embeddings").orElse(false);
        long bos = config.optionalInteger("bos_token_id").orElse(-1L);
        if (bos < -1 || bos >= vocab) {
            throw new ModelFormatException(config.file(), "bos_token_id " + bos + " is outside the vocabulary of "
                    + vocab + " tokens (vocab_size)");
        }
        Set<Integer> endOfGeneration = new LinkedHashSet<>(config.integerOrList("eos_token_id"));
        endOfGeneration.addAll(moreEndOfGeneration);
        for (int id : endOfGeneration) {
            if (id < 0 || id >= vocab) {
                throw new ModelFormatException(config.file(), "end-of-generation token id " + id
                        + " (eos_token_id here or in generation_config.json) is outside the vocabulary of "
                        + vocab + " tokens (vocab_size)");
            }
        }
        return new ModelSpec(name, dim, layers, heads, kvHeads, headDim, ffn, vocab, context, eps,
                (float) rope.theta, rope.divisors(headDim), ModelSpec.RopePairing.HALVES, tied, (int) bos, endOfGeneration);
    }

    private void checkArchitecture() {
        String type = config.optionalString("model_type").orElse("");
        Object architectures = config.members().get("architectures");
        boolean llama = type.equals("llama")
                || (architectures instanceof List<?> list && list.contains("LlamaForCausalLM"));
        if (!llama) {
            throw new UnsupportedModelException(config.file(), "model_type \"" + type + "\" / architectures "
                    + architectures + " is not supported: llama4j runs LlamaForCausalLM (Llama 3.x)");
        }
        String activation = config.optionalString("hidden_act").orElse("silu");
        if (!activation.equals("silu")) {
            throw new UnsupportedModelException(config.file(), "hidden_act \"" + activation + "\" (Llama uses silu)");
        }
        for (String bias : List.of("attention_bias", "mlp_bias")) {
            if (config.optionalBoolean(bias).orElse(false)) {
                throw new UnsupportedModelException(config.file(), bias + " is true; the Llama forward pass has no biases");
            }
        }
    }

    /** RoPE base and scaling, wherever this transformers version wrote them. */
    private RopeSettings ropeSettings() {
        // Older configs: rope_theta + rope_scaling; newer transformers folds both into rope_parameters.
        Optional<JsonFields> parameters = config.optionalObject("rope_parameters");
        Optional<JsonFields> scaling = config.optionalObject("rope_scaling").or(() -> parameters);
        Optional<Double> theta = config.optionalReal("rope_theta")
                .or(() -> parameters.flatMap(p -> p.optionalReal("rope_theta")));
        if (theta.isEmpty()) {
            throw new ModelFormatException(config.file(), "missing key \"rope_theta\" (Llama 3 uses 500000; "
                    + "guessing transformers' default of 10000 would quietly spoil long contexts)");
        }
        if (!(theta.get() > 1)) {
            throw new ModelFormatException(config.file(), "rope_theta " + theta.get() + " must be > 1");
        }
        return new RopeSettings(theta.get(), scaling.orElse(null));
    }

    private record RopeSettings(double theta, JsonFields scaling) {
        float[] divisors(int headDim) {
            if (scaling == null) {
                return RopeScaling.none(headDim);
            }
            String type = scaling.optionalString("rope_type").or(() -> scaling.optionalString("type")).orElse("default");
            return switch (type) {
                case "default" -> RopeScaling.none(headDim);
                case "linear" -> {
                    float[] d = RopeScaling.none(headDim);
                    Arrays.fill(d, (float) factor());
                    yield d;
                }
                case "llama3" -> {
                    try {
                        yield new RopeScaling(factor(),
                                scaling.optionalReal("low_freq_factor").orElse(1.0),
                                scaling.optionalReal("high_freq_factor").orElse(4.0),
                                scaling.optionalReal("original_max_position_embeddings").orElse(8192.0))
                                .divisors(headDim, theta);
                    } catch (IllegalArgumentException e) {
                        throw new ModelFormatException(scaling.file(), "rope scaling: " + e.getMessage());
                    }
                }
                default -> throw new UnsupportedModelException(scaling.file(), "rope scaling type \"" + type
                        + "\" is not supported (default, linear, llama3 are)");
            };
        }

        private double factor() {
            return scaling.optionalReal("factor")
                    .orElseThrow(() -> new ModelFormatException(scaling.file(), "rope scaling without \"factor\""));
        }
    }
}
