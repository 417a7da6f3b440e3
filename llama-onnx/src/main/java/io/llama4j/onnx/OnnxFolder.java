package io.llama4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.llama4j.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of an exported ONNX model folder: the graph and the JSON settings beside it. HF optimum and
 * transformers.js put the graph in {@code model.onnx} or {@code onnx/model.onnx}; onnxruntime-genai's
 * builder names it in {@code genai_config.json} ({@code model.decoder.filename}). Absent JSON files read as
 * {@link MissingNode}, so callers ask {@code path(...)} without null checks.
 */
record OnnxFolder(Path folder, Path graph, JsonNode config, JsonNode genaiConfig, JsonNode generationConfig,
        JsonNode tokenizerConfig) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether {@code location} looks like an ONNX model folder (cheap: file names only). */
    static boolean looksLikeOne(Path location) {
        return Files.isDirectory(location)
                && (Files.isRegularFile(location.resolve("model.onnx"))
                || Files.isRegularFile(location.resolve("onnx/model.onnx"))
                || Files.isRegularFile(location.resolve("genai_config.json")));
    }

    static OnnxFolder read(Path folder) {
        JsonNode genai = json(folder.resolve("genai_config.json"));
        String named = genai.path("model").path("decoder").path("filename").asText("");
        Path graph = !named.isEmpty() ? folder.resolve(named)
                : Files.isRegularFile(folder.resolve("model.onnx")) ? folder.resolve("model.onnx")
                : folder.resolve("onnx/model.onnx");
        if (!Files.isRegularFile(graph)) {
            throw new ModelFormatException(graph, "no ONNX graph file");
        }
        JsonNode config = json(folder.resolve("config.json"));
        if (config.isMissingNode() && genai.isMissingNode()) {
            throw new ModelFormatException(folder, "neither config.json nor genai_config.json describes the model");
        }
        return new OnnxFolder(folder, graph, config, genai, json(folder.resolve("generation_config.json")),
                json(folder.resolve("tokenizer_config.json")));
    }

    /** The genai {@code model.decoder} object (missing when there is no genai_config.json). */
    JsonNode genaiDecoder() {
        return genaiConfig.path("model").path("decoder");
    }

    private static JsonNode json(Path file) {
        if (!Files.isRegularFile(file)) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file, "not valid JSON: " + e.getMessage(), e);
        }
    }
}
