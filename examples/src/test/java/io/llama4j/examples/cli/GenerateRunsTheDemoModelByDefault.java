package io.llama4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Without {@code --model} the CLI runs the demo model packed in its jar: {@code generate} continues a fortune
 * exactly as llama.cpp does on the same file, and {@code chat} answers.
 */
class GenerateRunsTheDemoModelByDefault {
    private record Run(int status, String out, String err) {
    }

    private static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new BufferedReader(new StringReader(stdin)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void greedyGenerateWithoutModelIsLlamaCppsContinuationOnTheDemoModel() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(Path.of(System.getProperty("llama4j.demo.folder", "demo-model"),
                "Llama-Fortunes-demo-Q8_0.ref.json").toFile());
        JsonNode fortune = null;
        for (JsonNode result : ref.get("results")) {
            if (result.get("name").asText().equals("fortune")) {
                fortune = result;
            }
        }
        Run r = run("", "generate", "--prompt", fortune.get("text").asText(), "--temperature", "0",
                "--max-tokens", "32", "--threads", "2", "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("demo model"), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        int[] ids = ints(json.get("ids"));
        int[] expected = ints(fortune.get("output_tokens"));
        assertTrue(ids.length >= 1);
        // llama.cpp's run goes on past the end of the fortune; ours stops there.
        assertArrayEquals(Arrays.copyOf(expected, ids.length), ids, json.toString());
    }

    @Test
    void chatWithoutModelAnswersEachLine() {
        Run r = run("Tell me a fortune.\n/history\n", "chat", "--temperature", "0", "--max-tokens", "40", "--threads", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().endsWith("\n") && !r.out().isBlank(), r.out());
        assertTrue(r.err().contains("user: Tell me a fortune."), r.err());
        assertTrue(r.err().contains("assistant: " + r.out().lines().findFirst().orElseThrow()), r.err());
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
