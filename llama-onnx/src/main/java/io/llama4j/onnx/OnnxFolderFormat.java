package io.llama4j.onnx;

import io.llama4j.ModelFormatException;
import io.llama4j.spi.ModelFormat;
import io.llama4j.spi.ModelSource;
import io.llama4j.spi.ModelSpec;
import io.llama4j.spi.OpenedModel;
import io.llama4j.tokenizer.LlamaTokenizer;
import io.llama4j.tokenizer.TokenizerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A folder holding an exported Llama ONNX graph ({@code model.onnx}, HF optimum / transformers.js /
 * onnxruntime-genai layouts) with its {@code config.json} and/or {@code genai_config.json} and
 * {@code tokenizer.json}. The source carries no weights: only the {@code onnx} executor runs it, reading
 * the graph (and its external data files) itself.
 *
 * <pre>{@code
 * // With llama-onnx on the class or module path, LlamaModel.load recognises such folders by itself:
 * try (LlamaModel model = LlamaModel.load(Path.of("Llama-3.2-1B-Instruct-onnx"))) {
 *     System.out.println(model.executorName());   // onnx
 * }
 * }</pre>
 */
public final class OnnxFolderFormat implements ModelFormat {
    /** The format name in {@link ModelSource#format()}, which {@link OnnxExecutorProvider} runs. */
    public static final String NAME = "onnx";

    @Override
    public String name() {
        return NAME;
    }

    /** Above GGUF's catch-all (0): folders are never GGUF files anyway, but a folder check is as cheap. */
    @Override
    public int priority() {
        return 10;
    }

    @Override
    public boolean accepts(Path location) {
        return OnnxFolder.looksLikeOne(location);
    }

    @Override
    public OpenedModel open(Path location) {
        OnnxFolder folder = OnnxFolder.read(location);
        ModelSpec spec = LlamaConfig.spec(folder);
        LlamaTokenizer tokenizer = tokenizer(location.resolve("tokenizer.json"));
        return new OpenedModel(new ModelSource(location, NAME, spec, null), tokenizer,
                LlamaConfig.addsBos(folder, spec), () -> { });
    }

    private static LlamaTokenizer tokenizer(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file, "missing: the ONNX folder needs the model's tokenizer.json");
        }
        try {
            return LlamaTokenizer.fromTokenizerJson(file);
        } catch (IOException | TokenizerException e) {
            throw new ModelFormatException(file, "cannot read the tokenizer: " + e.getMessage(), e);
        }
    }
}
