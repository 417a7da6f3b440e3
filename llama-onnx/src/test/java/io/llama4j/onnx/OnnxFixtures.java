package io.llama4j.onnx;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared fixtures these tests read: the tiny model exported to ONNX, llama.cpp's reference for the same
 * weights in F32, and the tiny GGUF the build materializes. A missing fixture fails the test, never skips it.
 */
final class OnnxFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxFixtures() {
    }

    static Path shared() {
        return existing(Path.of(System.getProperty("llama4j.shared", "../../shared")), "the shared fixtures folder");
    }

    /** {@code models-onnx/tiny}: the weights of tiny-F32.gguf as an ONNX decoder-with-past graph. */
    static Path tinyOnnx() {
        return existing(shared().resolve("data/models-onnx/tiny"), "the tiny ONNX model folder");
    }

    static Path tinyGguf() {
        Path models = Path.of(System.getProperty("llama4j.fixtures", "../target/fixtures"));
        return existing(models.resolve("tiny-F32.gguf"), "fixture model tiny-F32 (made by tools/fixtures/materialize.sh)");
    }

    /** A fixture model the build materializes: {@code tiny-F32.gguf}, {@code small-k-Q4_0.gguf}, {@code tiny-hf} ... */
    static Path fixture(String name) {
        Path models = Path.of(System.getProperty("llama4j.fixtures", "../target/fixtures"));
        return existing(models.resolve(name), "fixture model " + name + " (made by tools/fixtures/materialize.sh)");
    }

    /** llama.cpp's greedy run of tiny-F32.gguf: prompts, output tokens, per step the top-10 log-probs. */
    static JsonNode tinyReference() {
        Path file = existing(shared().resolve("data/models/tiny-F32.ref.json"), "llama.cpp reference tiny-F32");
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** A scratch copy of the tiny folder: links to its big files, so a test can add, drop or spoil some. */
    static Path linkedCopy(Path dir, String... files) throws IOException {
        Path copy = Files.createDirectories(dir.resolve("model"));
        for (String file : files) {
            Files.createSymbolicLink(copy.resolve(file), tinyOnnx().resolve(file).toAbsolutePath());
        }
        return copy;
    }

    /** Removes the links {@link #linkedCopy} made, so that cleaning the temporary folder never follows them. */
    static void unlink(Path dir) throws IOException {
        Path copy = dir.resolve("model");
        if (Files.isDirectory(copy)) {
            try (var files = Files.list(copy)) {
                for (Path file : files.filter(Files::isSymbolicLink).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static Path existing(Path path, String what) {
        if (!Files.exists(path)) {
            fail("missing " + what + ": " + path.toAbsolutePath().normalize());
        }
        return path;
    }
}
