package io.llama4j.format.gguf;

import io.llama4j.ModelFormatException;
import io.llama4j.UnsupportedModelException;
import io.llama4j.format.RopeScaling;
import io.llama4j.spi.ModelSpec;
import io.llama4j.spi.Tensor;
import io.llama4j.spi.TensorType;
import io.llama4j.tokenizer.LlamaTokenizer;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a Llama-architecture model description out of a GGUF file's metadata, with llama.cpp's key names
 * and defaults, and builds its tokenizer from the {@code tokenizer.ggml.*} arrays.
 *
 * <pre>{@code
 * try (GgufFile file = GgufFile.open(Path.of("model.gguf"))) {
 *     ModelSpec spec = LlamaGguf.spec(file);              // UnsupportedModelException for other architectures
 *     LlamaTokenizer tokenizer = LlamaGguf.tokenizer(file);
 *     boolean bos = LlamaGguf.addsBos(file);
 * }
 * }</pre>
 */
public final class LlamaGguf {
    private static final String ARCH = "llama";
    private static final List<String> END_OF_GENERATION_TEXTS = List.of("<|end_of_text|>", "<|eot_id|>", "<|eom_id|>");

    private LlamaGguf() {
    }

    /** The model description; fails with {@link UnsupportedModelException} for other architectures. */
    public static ModelSpec spec(GgufFile file) {
        Path path = file.path();
        GgufMetadata m = file.metadata();
        String architecture = m.optionalString("general.architecture")
                .orElseThrow(() -> new ModelFormatException(path, "missing metadata key general.architecture"));
        if (!ARCH.equals(architecture)) {
            throw new UnsupportedModelException(path, "architecture \"" + architecture
                    + "\" is not supported: llama4j runs the \"llama\" architecture (Llama 3.x)");
        }
        int dim = positive(path, m, "llama.embedding_length");
        int layers = positive(path, m, "llama.block_count");
        int heads = positive(path, m, "llama.attention.head_count");
        int kvHeads = m.optionalCount("llama.attention.head_count_kv").orElse(heads);
        int ffn = positive(path, m, "llama.feed_forward_length");
        int context = positive(path, m, "llama.context_length");
        if (kvHeads < 1 || heads % kvHeads != 0) {
            throw new UnsupportedModelException(path, heads + " attention heads cannot be grouped over " + kvHeads + " KV heads");
        }
        int headDim = m.optionalCount("llama.attention.key_length").orElse(dim / heads);
        int valueDim = m.optionalCount("llama.attention.value_length").orElse(headDim);
        int ropeDim = m.optionalCount("llama.rope.dimension_count").orElse(headDim);
        if (headDim < 2 || headDim % 2 != 0 || valueDim != headDim || ropeDim != headDim) {
            throw new UnsupportedModelException(path, "head sizes (key " + headDim + ", value " + valueDim
                    + ", rotary " + ropeDim + ") must be equal and even");
        }
        float eps = m.optionalReal("llama.attention.layer_norm_rms_epsilon").orElse(1e-5f);
        float theta = m.optionalReal("llama.rope.freq_base").orElse(10000f);
        // NaN or a zero here loads and then turns every logit into NaN: refuse it by name instead.
        if (!(eps > 0) || Float.isInfinite(eps)) {
            throw new ModelFormatException(path, "llama.attention.layer_norm_rms_epsilon " + eps + " must be a positive number");
        }
        if (!(theta > 1) || Float.isInfinite(theta)) {
            throw new ModelFormatException(path, "llama.rope.freq_base " + theta + " must be a finite number above 1");
        }

        Tensor embedding = file.find("token_embd.weight")
                .orElseThrow(() -> new ModelFormatException(path, "missing tensor token_embd.weight"));
        // Sizes are checked against the tensors before anything is sized from them (the rope tables below,
        // the executor's buffers), so a corrupt count fails here instead of allocating gigabytes.
        if (embedding.rowLength() != dim) {
            throw new ModelFormatException(path, "llama.embedding_length " + dim
                    + " does not match the row length of token_embd.weight " + embedding);
        }
        Tensor query = file.find("blk.0.attn_q.weight")
                .orElseThrow(() -> new ModelFormatException(path, "missing tensor blk.0.attn_q.weight"));
        if (query.rows() != (long) heads * headDim) {
            throw new ModelFormatException(path, heads + " heads of " + headDim
                    + " (llama.attention.head_count, key_length) do not match blk.0.attn_q.weight " + query);
        }
        int vocab = m.optionalCount("llama.vocab_size").orElse(Math.toIntExact(embedding.rows()));
        boolean tied = file.find("output.weight").isEmpty();

        Set<Integer> endOfGeneration = new LinkedHashSet<>();
        for (String key : List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
            m.optionalCount(key).ifPresent(endOfGeneration::add);
        }
        if (m.contains("tokenizer.ggml.tokens")) {
            List<String> tokens = m.strings("tokenizer.ggml.tokens");
            for (String text : END_OF_GENERATION_TEXTS) {
                int id = tokens.indexOf(text);
                if (id >= 0) {
                    endOfGeneration.add(id);
                }
            }
        }
        int bos = m.optionalCount("tokenizer.ggml.bos_token_id").orElse(-1);
        // Checked here, not when the first prompt meets them: a file whose special ids lie outside its own
        // vocabulary is corrupt, and would otherwise load and then fail every generation.
        if (bos >= vocab) {
            throw new ModelFormatException(path, "tokenizer.ggml.bos_token_id " + bos
                    + " is outside the vocabulary of " + vocab + " tokens");
        }
        for (int id : endOfGeneration) {
            if (id >= vocab) {
                throw new ModelFormatException(path, "end-of-generation token id " + id
                        + " (tokenizer.ggml.eos/eot/eom_token_id) is outside the vocabulary of " + vocab + " tokens");
            }
        }
        String name = m.optionalString("general.name").orElse(path.getFileName().toString());
        return new ModelSpec(name, dim, layers, heads, kvHeads, headDim, ffn, vocab, context, eps, theta,
                ropeDivisors(file, headDim, theta), ModelSpec.RopePairing.INTERLEAVED, tied, bos, endOfGeneration);
    }

    /**
     * The llama3 rope scaling: the {@code rope_freqs.weight} divisors llama.cpp's converter stores, or
     * computed from {@code llama.rope.scaling.*} keys, or none.
     */
    static float[] ropeDivisors(GgufFile file, int headDim, float theta) {
        Path path = file.path();
        var stored = file.find("rope_freqs.weight");
        if (stored.isPresent()) {
            Tensor t = stored.get();
            if (t.type() != TensorType.F32 || t.elementCount() != headDim / 2) {
                throw new ModelFormatException(path, "rope_freqs.weight should be F32 [" + headDim / 2 + "], is " + t);
            }
            float[] divisors = t.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            for (float d : divisors) {
                if (!(d > 0) || Float.isInfinite(d)) {
                    throw new ModelFormatException(path, "rope_freqs.weight holds " + d + ", not a positive divisor");
                }
            }
            return divisors;
        }
        GgufMetadata m = file.metadata();
        String type = m.optionalString("llama.rope.scaling.type").orElse("none");
        return switch (type) {
            case "none" -> RopeScaling.none(headDim);
            case "linear" -> {
                float[] d = RopeScaling.none(headDim);
                java.util.Arrays.fill(d, m.real("llama.rope.scaling.factor"));
                yield d;
            }
            case "llama3" -> new RopeScaling(
                    m.real("llama.rope.scaling.factor"),
                    m.optionalReal("llama.rope.scaling.low_freq_factor").orElse(1f),
                    m.optionalReal("llama.rope.scaling.high_freq_factor").orElse(4f),
                    m.optionalCount("llama.rope.scaling.original_context_length").orElse(8192))
                    .divisors(headDim, theta);
            default -> throw new UnsupportedModelException(path, "rope scaling \"" + type + "\" is not supported");
        };
    }

    /** Whether prompts get the begin-of-text token prepended ({@code tokenizer.ggml.add_bos_token}, default on). */
    public static boolean addsBos(GgufFile file) {
        return file.metadata().bool("tokenizer.ggml.add_bos_token", true);
    }

    /** The byte-level BPE tokenizer stored in the file. */
    public static LlamaTokenizer tokenizer(GgufFile file) {
        Path path = file.path();
        GgufMetadata m = file.metadata();
        String model = m.optionalString("tokenizer.ggml.model")
                .orElseThrow(() -> new ModelFormatException(path, "missing metadata key tokenizer.ggml.model"));
        if (!"gpt2".equals(model)) {
            throw new UnsupportedModelException(path, "tokenizer model \"" + model
                    + "\" is not supported (Llama 3 uses byte-level BPE, \"gpt2\")");
        }
        List<String> tokens = m.strings("tokenizer.ggml.tokens");
        int[] types = m.contains("tokenizer.ggml.token_type") ? m.ints("tokenizer.ggml.token_type") : null;
        if (types != null && types.length != tokens.size()) {
            throw new ModelFormatException(path, "tokenizer.ggml.token_type has " + types.length
                    + " entries for " + tokens.size() + " tokens");
        }
        List<String> merges = m.strings("tokenizer.ggml.merges");
        try {
            return LlamaTokenizer.fromGgufVocabulary(tokens, types, merges);
        } catch (RuntimeException e) {
            throw new ModelFormatException(path, "invalid tokenizer data: " + e.getMessage(), e);
        }
    }

    private static int positive(Path path, GgufMetadata m, String key) {
        int v = m.count(key);
        if (v < 1) {
            throw new ModelFormatException(path, "metadata " + key + " = " + v + " must be positive");
        }
        return v;
    }
}
