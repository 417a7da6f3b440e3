package io.llama4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate --json-schema FILE}: on the random-weight fixture the output is a JSON object with the
 * schema's properties and types (checked here with Jackson, not with llama4j's automaton); the same seed
 * gives the same output; a bad schema is one line and exit status 1.
 */
class GenerateFollowsAJsonSchema {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            {"type": "object",
             "properties": {"city": {"type": "string", "maxLength": 10},
                            "population": {"type": "integer"},
                            "capital": {"type": "boolean"},
                            "size": {"enum": ["small", "large"]}},
             "required": ["city", "population", "capital", "size"]}""";

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path model() {
        Path p = Path.of(System.getProperty("llama4j.fixtures")).resolve("tiny-Q8_0.gguf");
        if (!Files.exists(p)) {
            fail("missing fixture " + p.toAbsolutePath().normalize());
        }
        return p;
    }

    @Test
    void outputIsAnObjectWithTheSchemasPropertiesAndTypes() throws IOException {
        Path schema = Files.writeString(dir.resolve("city.schema.json"), SCHEMA);
        for (String seed : new String[] {"1", "2", "3"}) {
            Run r = run("generate", "--model", model().toString(), "--prompt", "A city as JSON:", "--json-schema",
                    schema.toString(), "--temperature", "1", "--seed", seed, "--max-tokens", "200", "--threads", "2");
            assertEquals(0, r.status(), r.err());
            JsonNode doc = JSON.readTree(r.out());
            assertEquals(Set.of("city", "population", "capital", "size"), Set.copyOf(iterable(doc.fieldNames())), r.out());
            assertTrue(doc.get("city").isTextual() && doc.get("city").asText().codePointCount(0, doc.get("city").asText().length()) <= 10, r.out());
            assertTrue(doc.get("population").isIntegralNumber(), r.out());
            assertTrue(doc.get("capital").isBoolean(), r.out());
            assertTrue(Set.of("small", "large").contains(doc.get("size").asText()), r.out());
            Run again = run("generate", "--model", model().toString(), "--prompt", "A city as JSON:", "--json-schema",
                    schema.toString(), "--temperature", "1", "--seed", seed, "--max-tokens", "200", "--threads", "2");
            assertEquals(r.out(), again.out(), "same seed, same output");
        }
    }

    @Test
    void anUnsupportedSchemaIsOneLineAndExitOne() throws IOException {
        Path schema = Files.writeString(dir.resolve("bad.schema.json"), "{\"type\": \"string\", \"pattern\": \"^a\"}");
        Run r = run("generate", "--model", model().toString(), "--prompt", "hi", "--json-schema", schema.toString());
        assertEquals(1, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("pattern") && r.err().contains("bad.schema.json"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aMissingSchemaFileExitsTwo() {
        Run r = run("generate", "--model", model().toString(), "--prompt", "hi", "--json-schema",
                dir.resolve("absent.json").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("no such file"), r.err());
    }

    private static <T> java.util.List<T> iterable(java.util.Iterator<T> it) {
        java.util.List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
