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
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's flags, outputs and exit statuses, which other tools depend on. */
class CommandLineContract {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private static Path existing(Path p) {
        if (!Files.exists(p)) {
            fail("missing fixture " + p.toAbsolutePath().normalize());
        }
        return p;
    }

    private static Path model(String name) {
        return existing(Path.of(System.getProperty("llama4j.fixtures")).resolve(name + ".gguf"));
    }

    private static JsonNode reference(String name) throws IOException {
        return JSON.readTree(existing(Path.of(System.getProperty("llama4j.shared"), "data/models", name + ".ref.json")).toFile());
    }

    private static String joined(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText).collect(Collectors.joining(","));
    }

    @Test
    void unknownFlagIsOneLineAndExitTwo() {
        Run r = run("generate", "--model", "m.gguf", "--bogus");
        assertEquals(2, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--bogus"), r.err());
    }

    @Test
    void missingModelFileExitsTwo() {
        Run r = run("generate", "--model", dir.resolve("absent.gguf").toString(), "--prompt", "hi");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("no such file"), r.err());
    }

    @Test
    void corruptModelIsOneLineNamingTheProblemAndExitOne() throws IOException {
        Path bad = Files.write(dir.resolve("bad.gguf"), "this is not a model".getBytes(StandardCharsets.UTF_8));
        Run r = run("generate", "--model", bad.toString(), "--prompt", "hi");
        assertEquals(1, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("not a GGUF file"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void teacherForcedJsonReportsLlamaCppsLogProbabilities() throws IOException {
        JsonNode en = reference("tiny-Q8_0").get("results").get(0);
        Run r = run("generate", "--model", model("tiny-Q8_0").toString(),
                "--prompt-ids", joined(en.get("prompt_tokens")), "--forced-ids", joined(en.get("output_tokens")),
                "--top-logits", "10", "--threads", "2", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode out = JSON.readTree(r.out());
        assertEquals(en.get("output_tokens"), out.get("ids"));
        assertEquals(en.get("prompt_tokens"), out.get("prompt_ids"));
        for (int step = 0; step < en.get("steps").size(); step++) {
            JsonNode theirs = en.get("steps").get(step).get("top").get(0);
            JsonNode ours = out.get("top_logits").get(step).get(0);
            assertEquals(theirs.get("id").asInt(), ours.get("id").asInt(), "step " + step);
            assertEquals(theirs.get("logprob").asDouble(), ours.get("logprob").asDouble(), 0.05, "step " + step);
        }
        assertTrue(out.has("prefill_tokens_per_s") && out.has("decode_tokens_per_s"));
    }

    @Test
    void textPromptIsTokenizedLikeLlamaCppAndGreedyMatches() throws IOException {
        JsonNode en = reference("tiny-F32").get("results").get(0);
        Run r = run("generate", "--model", model("tiny-F32").toString(), "--prompt", en.get("text").asText(),
                "--max-tokens", "8", "--temperature", "0", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode out = JSON.readTree(r.out());
        assertEquals(en.get("prompt_tokens"), out.get("prompt_ids"));
        for (int i = 0; i < 8; i++) {
            assertEquals(en.get("output_tokens").get(i), out.get("ids").get(i), "token " + i);
        }
    }

    @Test
    void tokenizeJsonlGivesOneIdsLinePerInputLine() throws IOException {
        Path in = Files.writeString(dir.resolve("in.jsonl"), "{\"text\":\"Hello world!\"}\n{\"text\":\"<|eot_id|>\"}\n");
        Run r = run("tokenize", "--model", model("tiny-Q8_0").toString(), "--jsonl", in.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(Arrays.asList("{\"ids\":[9906,1917,0]}", "{\"ids\":[128009]}"), r.out().lines().toList());
    }

    @Test
    void modelMayBeAFileUri() throws IOException {
        JsonNode en = reference("tiny-F32").get("results").get(0);
        Run r = run("generate", "--model", model("tiny-F32").toUri().toString(), "--prompt-ids", joined(en.get("prompt_tokens")),
                "--max-tokens", "8", "--temperature", "0", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode out = JSON.readTree(r.out());
        for (int i = 0; i < 8; i++) {
            assertEquals(en.get("output_tokens").get(i), out.get("ids").get(i), "token " + i);
        }
    }

    @Test
    void modelMayBeAnHfFolder() throws IOException {
        JsonNode en = reference("tiny-F32").get("results").get(0);
        Path folder = existing(Path.of(System.getProperty("llama4j.fixtures")).resolve("tiny-hf"));
        Run r = run("tokenize", "--model", folder.toString(), "--text", en.get("text").asText());
        assertEquals(0, r.status(), r.err());
        // llama.cpp's prompt tokens start with the begin-of-text token, which tokenize does not add.
        JsonNode ids = en.get("prompt_tokens");
        String expected = java.util.stream.IntStream.range(1, ids.size()).mapToObj(i -> ids.get(i).asText())
                .collect(Collectors.joining(",", "[", "]"));
        assertEquals(expected, r.out().trim());
    }
}
