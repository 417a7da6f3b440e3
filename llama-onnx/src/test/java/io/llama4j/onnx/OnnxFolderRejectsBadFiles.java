package io.llama4j.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.ModelFormatException;
import io.llama4j.UnsupportedModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged or incomplete ONNX folder fails to load with a typed exception naming the file, never a crash. */
class OnnxFolderRejectsBadFiles {
    private static final LoadOptions OPTIONS = LoadOptions.defaults().withThreads(1).withExecutorSetting("onnx.provider", "cpu");

    @TempDir
    Path dir;

    @AfterEach
    void unlink() throws IOException {
        OnnxFixtures.unlink(dir);
    }

    @Test
    void aGraphOfGarbageIsAModelFormatException() throws IOException {
        Path folder = OnnxFixtures.linkedCopy(dir, "config.json", "tokenizer.json");
        Files.write(folder.resolve("model.onnx"), "this is not a protobuf".getBytes());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(folder, OPTIONS));
        assertTrue(e.file().endsWith("model.onnx"), e.getMessage());
    }

    @Test
    void aTruncatedGraphIsAModelFormatException() throws IOException {
        Path folder = OnnxFixtures.linkedCopy(dir, "config.json", "tokenizer.json");
        try (InputStream in = Files.newInputStream(OnnxFixtures.tinyOnnx().resolve("model.onnx"))) {
            Files.write(folder.resolve("model.onnx"), in.readNBytes(1 << 20));
        }
        assertThrows(ModelFormatException.class, () -> LlamaModel.load(folder, OPTIONS));
    }

    @Test
    void aMissingTokenizerIsAModelFormatException() throws IOException {
        Path folder = OnnxFixtures.linkedCopy(dir, "config.json", "model.onnx");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(folder, OPTIONS));
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    }

    @Test
    void aFolderWithoutAGraphIsReadByNoFormat() throws IOException {
        Path folder = OnnxFixtures.linkedCopy(dir, "config.json", "tokenizer.json");
        assertThrows(UnsupportedModelException.class, () -> LlamaModel.load(folder, OPTIONS));
    }

    @Test
    void aGenaiConfigNamingAMissingGraphIsAModelFormatException() throws IOException {
        Path folder = OnnxFixtures.linkedCopy(dir, "tokenizer.json", "model.onnx");
        Files.writeString(folder.resolve("genai_config.json"),
                Files.readString(OnnxFixtures.tinyOnnx().resolve("genai_config.json")).replace("\"model.onnx\"", "\"gone.onnx\""));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(folder, OPTIONS));
        assertTrue(e.file().endsWith("gone.onnx"), e.getMessage());
    }

    @Test
    void inputNamesTheGraphLacksAreAnUnsupportedModel() throws IOException {
        Path folder = OnnxFixtures.linkedCopy(dir, "tokenizer.json", "model.onnx");
        Files.writeString(folder.resolve("genai_config.json"),
                Files.readString(OnnxFixtures.tinyOnnx().resolve("genai_config.json")).replace("past_key_values.%d.key", "past.%d.k"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> LlamaModel.load(folder, OPTIONS));
        assertTrue(e.getMessage().contains("past.0.k"), e.getMessage());
    }

    @Test
    void aConfigThatIsNotJsonIsAModelFormatException() throws IOException {
        Path folder = OnnxFixtures.linkedCopy(dir, "tokenizer.json", "model.onnx");
        Files.writeString(folder.resolve("config.json"), "{\"hidden_size\": 64,");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(folder, OPTIONS));
        assertTrue(e.file().endsWith("config.json"), e.getMessage());
    }
}
