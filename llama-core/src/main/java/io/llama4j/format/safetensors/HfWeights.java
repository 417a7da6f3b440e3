package io.llama4j.format.safetensors;

import io.llama4j.ModelFormatException;
import io.llama4j.UnsupportedModelException;
import io.llama4j.spi.ModelSpec;
import io.llama4j.spi.ModelWeights;
import io.llama4j.spi.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tensors of one or more safetensors files presented to executors under their GGUF names, with the
 * shape reversed into GGUF order (row length first). Nothing is copied: each {@link Tensor} is a view of a
 * mapped file. Owns the files.
 */
final class HfWeights implements ModelWeights, AutoCloseable {
    private final List<SafetensorsFile> files;
    private final Map<String, Tensor> tensors;

    private HfWeights(List<SafetensorsFile> files, Map<String, Tensor> tensors) {
        this.files = files;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Collects the Llama tensors of {@code files} and checks each against the shape {@code spec} implies,
     * so that a config.json that disagrees with the weights is reported by file and tensor name.
     */
    static HfWeights of(Path location, List<SafetensorsFile> files, ModelSpec spec) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (SafetensorsFile file : files) {
            for (SafetensorsTensor t : file.tensors().values()) {
                Optional<String> gguf = HfTensorNames.ggufName(t.name());
                if (gguf.isEmpty()) {
                    continue;
                }
                long[] expected = expectedShape(gguf.get(), spec);
                if (expected == null || !Arrays.equals(expected, t.shape())) {
                    throw new ModelFormatException(file.name(), "tensor " + t.name() + " has shape "
                            + Arrays.toString(t.shape()) + ", but config.json implies "
                            + (expected == null ? "no such tensor (layer out of range)" : Arrays.toString(expected)));
                }
                var type = t.dtype().kernelType().orElseThrow(() -> new UnsupportedModelException(file.name(),
                        "tensor " + t.name() + " has dtype " + t.dtype() + " (BF16, F16 or F32 expected)"));
                if (tensors.containsKey(gguf.get())) {
                    throw new ModelFormatException(file.name(), "tensor " + t.name() + " appears in more than one file");
                }
                tensors.put(gguf.get(), new Tensor(t.name(), type, reversed(t.shape()), t.data()));
            }
        }
        HfTensorNames.firstMissing(spec, name -> tensors.containsKey(HfTensorNames.ggufName(name).orElseThrow()))
                .ifPresent(missing -> {
                    throw new ModelFormatException(files.size() == 1 ? files.getFirst().name() : location,
                            "missing tensor " + missing);
                });
        return new HfWeights(List.copyOf(files), tensors);
    }

    /** The HF shape ([out, in], outermost first) a Llama tensor must have, or null for a layer past the last. */
    private static long[] expectedShape(String ggufName, ModelSpec spec) {
        long dim = spec.dim();
        long q = (long) spec.heads() * spec.headDim();
        long kv = spec.kvDim();
        long ffn = spec.ffnDim();
        long vocab = spec.vocabularySize();
        if (ggufName.startsWith("blk.")) {
            int layer = Integer.parseInt(ggufName.substring(4, ggufName.indexOf('.', 4)));
            if (layer >= spec.layers()) {
                return null;
            }
        }
        String role = ggufName.startsWith("blk.") ? ggufName.substring(ggufName.indexOf('.', 4) + 1) : ggufName;
        return switch (role) {
            case "token_embd.weight", "output.weight" -> new long[] {vocab, dim};
            case "output_norm.weight", "attn_norm.weight", "ffn_norm.weight" -> new long[] {dim};
            case "attn_q.weight" -> new long[] {q, dim};
            case "attn_k.weight", "attn_v.weight" -> new long[] {kv, dim};
            case "attn_output.weight" -> new long[] {dim, q};
            case "ffn_gate.weight", "ffn_up.weight" -> new long[] {ffn, dim};
            case "ffn_down.weight" -> new long[] {dim, ffn};
            default -> throw new IllegalStateException("no shape rule for " + ggufName);
        };
    }

    private static long[] reversed(long[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[shape.length - 1 - i];
        }
        return out;
    }

    @Override
    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static void closeAll(List<SafetensorsFile> files) {
        new HfWeights(new ArrayList<>(files), Map.of()).close();
    }
}
