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

    /** The token ids of {@code a} followed by those of {@code b}: a prompt's prefix and its continuation. */
    public static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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

    /**
     * A model of the other-shapes set made by the build, checked against the hashes its llama.cpp reference
     * was recorded on.
     */
    public static Path otherShape(String name) {
        Path file = existing(models().resolve("other-shapes/" + name + ".gguf"), "other-shapes model " + name);
        String expected = otherShapeManifest().lines().filter(l -> l.endsWith("  " + name + ".gguf"))
                .map(l -> l.substring(0, 64)).findFirst()
                .orElseThrow(() -> new AssertionError("no hash for " + name + " in other-shapes/MANIFEST.sha256"));
        try (var in = Files.newInputStream(file)) {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            String actual = java.util.HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(expected)) {
                fail(file + " differs from the file llama.cpp's reference was recorded on (sha256 " + actual + ")");
            }
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("cannot hash " + file, e);
        }
        return file;
    }

    public static JsonNode otherShapeReference(String name) {
        return resource("other-shapes/" + name + ".ref.json");
    }

    private static String otherShapeManifest() {
        try (var in = Fixtures.class.getResourceAsStream("/other-shapes/MANIFEST.sha256")) {
            if (in == null) {
                fail("missing test resource other-shapes/MANIFEST.sha256");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode resource(String path) {
        try (var in = Fixtures.class.getResourceAsStream("/" + path)) {
            if (in == null) {
                fail("missing test resource " + path);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + path, e);
        }
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

    /** {@code path}, failing the test if it does not exist. */
    public static Path existingFile(Path path) {
        return existing(path, "fixture");
    }

    private static Path existing(Path path, String what) {
        if (!Files.exists(path)) {
            fail("missing " + what + ": " + path.toAbsolutePath().normalize());
        }
        return path;
    }
}
