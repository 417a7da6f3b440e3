package io.llama4j.format.safetensors;

import io.llama4j.ModelFormatException;
import io.llama4j.format.FileRegion;
import io.llama4j.spi.GenerationDefaults;
import io.llama4j.spi.ModelFormat;
import io.llama4j.spi.ModelSource;
import io.llama4j.spi.ModelSpec;
import io.llama4j.spi.OpenedModel;
import io.llama4j.tokenizer.LlamaTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * HuggingFace Llama folders: {@code config.json}, {@code model.safetensors} or shards listed in
 * {@code model.safetensors.index.json}, {@code tokenizer.json}, and optionally {@code tokenizer_config.json}
 * and {@code generation_config.json}. BF16, F16 and F32 weights are mapped and handed to the kernel as they
 * are.
 *
 * <p>RoPE: HF checkpoints order each Q/K head's rows for rotate-half pairing (element i with i + headDim/2),
 * where GGUF's converter permutes them for interleaved pairing. We ask the kernel for HALVES pairing
 * rather than permuting the rows at load: the weights are mapped read-only, so a permutation would mean
 * copying every Q and K matrix to the heap (1.3 GB for 8B in BF16), losing the zero-copy load, while the
 * pairing choice costs the kernel nothing (it is one index computation per pair, chosen once per model).
 *
 * <pre>{@code
 * ModelFormat hf = new HfFolderFormat();   // LlamaModel.load finds it through ServiceLoader
 * Path folder = Path.of("Llama-3.2-1B-Instruct");   // config.json, model.safetensors, tokenizer.json
 * try (OpenedModel opened = hf.open(folder)) {
 *     ModelSpec spec = opened.source().spec();        // spec.ropePairing() is HALVES
 * }
 * }</pre>
 */
public final class HfFolderFormat implements ModelFormat {
    static final String CONFIG = "config.json";
    static final String SINGLE_FILE = "model.safetensors";

    @Override
    public String name() {
        return "safetensors";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public boolean accepts(Path location) {
        return Files.isDirectory(location) && Files.isRegularFile(location.resolve(CONFIG))
                && (Files.isRegularFile(location.resolve(SINGLE_FILE))
                || Files.isRegularFile(location.resolve(SafetensorsIndex.FILE_NAME)));
    }

    /** Whether {@code names} (the files of a folder) look like an HF Llama folder. */
    public static boolean looksLikeHfFolder(Set<String> names) {
        return names.contains(CONFIG) && (names.contains(SINGLE_FILE) || names.contains(SafetensorsIndex.FILE_NAME));
    }

    @Override
    public OpenedModel open(Path location) {
        return open(location, name -> {
            Path file = location.resolve(name);
            return Files.isRegularFile(file) ? Optional.of(FileRegion.of(file)) : Optional.empty();
        });
    }

    /**
     * Opens an HF folder whose files may lie elsewhere (entries of an uncompressed archive, read in place).
     *
     * @param location names the model in messages and in {@link ModelSource#location()}
     * @param files    the region of each file, by its name inside the folder
     */
    public static OpenedModel open(Path location, Function<String, Optional<FileRegion>> files) {
        FileRegion configFile = required(location, files, CONFIG);
        HfConfig config = new HfConfig(JsonFields.parse(configFile.name(), configFile.readString()));
        JsonFields tokenizerConfig = files.apply("tokenizer_config.json")
                .map(r -> JsonFields.parse(r.name(), r.readString())).orElse(null);
        HfGenerationConfig generation = files.apply("generation_config.json")
                .map(r -> new HfGenerationConfig(JsonFields.parse(r.name(), r.readString()))).orElse(null);
        LlamaTokenizer tokenizer = HfTokenizerFiles.tokenizer(required(location, files, "tokenizer.json"));

        Set<Integer> endOfGeneration = new LinkedHashSet<>(HfTokenizerFiles.endOfGeneration(tokenizer, tokenizerConfig));
        if (generation != null) {
            endOfGeneration.addAll(generation.endOfGeneration());
        }
        ModelSpec spec = config.spec(location.getFileName() == null ? location.toString() : location.getFileName().toString(),
                endOfGeneration);
        if (spec.bosToken() < 0) {
            int bos = HfTokenizerFiles.bos(tokenizer, tokenizerConfig);
            spec = withBos(spec, bos);
        }
        if (tokenizer.vocabularySize() > spec.vocabularySize()) {
            throw new ModelFormatException(configFile.name(), "vocab_size " + spec.vocabularySize()
                    + " is smaller than the tokenizer's " + tokenizer.vocabularySize() + " tokens");
        }

        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            Optional<FileRegion> indexFile = files.apply(SafetensorsIndex.FILE_NAME);
            if (indexFile.isPresent()) {
                openShards(location, files, SafetensorsIndex.parse(indexFile.get().name(), indexFile.get().readString()), opened);
            } else {
                opened.add(SafetensorsFile.open(required(location, files, SINGLE_FILE)));
            }
            HfWeights weights = HfWeights.of(location, opened, spec);
            GenerationDefaults defaults = generation == null ? GenerationDefaults.none() : generation.defaults();
            return new OpenedModel(new ModelSource(location, "safetensors", spec, weights), tokenizer,
                    HfTokenizerFiles.addsBos(tokenizerConfig), weights, defaults);
        } catch (RuntimeException e) {
            HfWeights.closeAll(opened);
            throw e;
        }
    }

    private static void openShards(Path location, Function<String, Optional<FileRegion>> files, SafetensorsIndex index,
                                   List<SafetensorsFile> opened) {
        for (Map.Entry<String, String> shard : index.shards().entrySet()) {
            FileRegion region = files.apply(shard.getKey()).orElseThrow(() -> new ModelFormatException(index.file(),
                    "shard " + shard.getKey() + " (holding " + shard.getValue() + ") is missing from " + location));
            opened.add(SafetensorsFile.open(region));
        }
        for (Map.Entry<String, String> entry : index.weightMap().entrySet()) {
            SafetensorsFile shard = opened.stream().filter(f -> f.name().getFileName().toString().equals(entry.getValue()))
                    .findFirst().orElseThrow();
            if (!shard.tensors().containsKey(entry.getKey())) {
                throw new ModelFormatException(shard.name(), "tensor " + entry.getKey() + " is listed in "
                        + SafetensorsIndex.FILE_NAME + " but missing from this shard");
            }
        }
    }

    private static FileRegion required(Path location, Function<String, Optional<FileRegion>> files, String name) {
        return files.apply(name).orElseThrow(() -> new ModelFormatException(location, "missing " + name));
    }

    private static ModelSpec withBos(ModelSpec s, int bos) {
        return new ModelSpec(s.name(), s.dim(), s.layers(), s.heads(), s.kvHeads(), s.headDim(), s.ffnDim(),
                s.vocabularySize(), s.contextLength(), s.rmsNormEps(), s.ropeTheta(), s.ropeFreqDivisors(),
                s.ropePairing(), s.tiedEmbeddings(), bos, s.endOfGeneration());
    }
}
