package io.llama4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An onnxruntime-genai style folder: only {@code genai_config.json} describes the model, and its
 * {@code decoder.filename} names the graph (here {@code decoder.onnx}, not {@code model.onnx}). The model
 * still produces llama.cpp's greedy tokens.
 */
class GenaiFolderRunsWithoutConfigJson {
    @TempDir
    Path dir;

    @AfterEach
    void unlink() throws IOException {
        OnnxFixtures.unlink(dir);
    }

    @Test
    void genaiConfigAloneDescribesTheModel() throws IOException {
        Path folder = OnnxFixtures.linkedCopy(dir, "tokenizer.json");
        Files.createSymbolicLink(folder.resolve("decoder.onnx"), OnnxFixtures.tinyOnnx().resolve("model.onnx").toAbsolutePath());
        Files.writeString(folder.resolve("genai_config.json"),
                Files.readString(OnnxFixtures.tinyOnnx().resolve("genai_config.json")).replace("\"model.onnx\"", "\"decoder.onnx\""));
        JsonNode result = OnnxFixtures.tinyReference().get("results").get(1);
        int[] expected = OnnxFixtures.ints(result.get("output_tokens"));
        try (LoadedModel onnx = LoadedModel.onnx(folder)) {
            assertArrayEquals(expected, GreedyOnOnnxMatchesLlamaCpp.greedy(onnx,
                    OnnxFixtures.ints(result.get("prompt_tokens")), expected.length));
        }
    }
}
