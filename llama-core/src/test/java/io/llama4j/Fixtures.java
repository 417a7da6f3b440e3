package io.llama4j;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the shared fixtures are: llama.cpp's reference files under {@code ../shared/data/models} and the
 * model files the build materializes from their seeds. A missing fixture fails the test, never skips it.
 */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    public static Path shared() {
        return existing(Path.of(System.getProperty("llama4j.shared", "../../shared")), "the shared fixtures folder");
    }

    public static Path models() {
        return existing(Path.of(System.getProperty("llama4j.fixtures", "../target/fixtures")),
                "the materialized fixture models (made by ../shared/tools/fixtures/materialize.sh)");
    }

    /** The GGUF file made from the seeds of {@code name} (e.g. {@code tiny-F32}). */
    public static Path gguf(String name) {
        return existing(models().resolve(name + ".gguf"), "fixture model " + name);
    }

    /** Names of every public reference file, e.g. {@code tiny-F32}, {@code small-k-Q4_K}. */
    public static List<String> referenceNames() {
        Path dir = existing(shared().resolve("data/models"), "the reference folder");
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".ref.json"))
                    .map(n -> n.substring(0, n.length() - ".ref.json".length()))
                    .sorted()
                    .toList();
            if (names.isEmpty()) {
                fail("no *.ref.json files in " + dir);
            }
            return names;
        } catch (IOException e) {
            throw new AssertionError("cannot list " + dir, e);
        }
    }

    /** llama.cpp's reference for model {@code name}. */
    public static JsonNode reference(String name) {
        Path file = existing(shared().resolve("data/models/" + name + ".ref.json"), "reference " + name);
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static Path existing(Path path, String what) {
        if (!Files.exists(path)) {
            fail("missing " + what + ": " + path.toAbsolutePath().normalize());
        }
        return path;
    }
}
