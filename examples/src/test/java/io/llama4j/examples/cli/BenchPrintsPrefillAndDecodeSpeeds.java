package io.llama4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code bench}: the shape of its output on a fixture model (never its speed, which depends on the machine). */
class BenchPrintsPrefillAndDecodeSpeeds {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String model() {
        Path p = Path.of(System.getProperty("llama4j.fixtures")).resolve("tiny-Q8_0.gguf");
        assertTrue(Files.exists(p), "missing fixture " + p);
        return p.toString();
    }

    @Test
    void jsonHasBothSpeedsAndOneEntryPerRep() throws Exception {
        Run r = run("bench", "--model", model(), "--prompt-tokens", "12", "--gen-tokens", "5", "--threads", "2",
                "--reps", "2", "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(1, r.out().strip().lines().count(), r.out());
        JsonNode json = JSON.readTree(r.out());
        for (String key : new String[] {"prefill_tokens_per_s", "decode_tokens_per_s"}) {
            assertTrue(json.get(key).isNumber() && json.get(key).asDouble() > 0, key + " in " + r.out());
        }
        assertEquals(12, json.get("prompt_tokens").asInt());
        assertEquals(5, json.get("gen_tokens").asInt());
        assertEquals(2, json.get("threads").asInt());
        assertEquals(2, json.get("runs").size());
        double best = Math.max(json.get("runs").get(0).get("decode_tokens_per_s").asDouble(),
                json.get("runs").get(1).get("decode_tokens_per_s").asDouble());
        assertEquals(best, json.get("decode_tokens_per_s").asDouble(), 1e-9, "the best of the reps is reported");
    }

    @Test
    void threadsDefaultToTheAvailableCores() throws Exception {
        Run r = run("bench", "--model", model(), "--prompt-tokens", "4", "--gen-tokens", "2", "--warmup", "0", "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(Runtime.getRuntime().availableProcessors(), JSON.readTree(r.out()).get("threads").asInt());
    }

    @Test
    void promptIsTheOneLlamaCppBenchEvaluates() {
        assertArrayEquals(new int[] {128000, 1000 + 7919, 1000 + 2 * 7919, 1000 + (15 * 7919) % 120000},
                new int[] {BenchCommand.prompt(16, 128000, 128256)[0], BenchCommand.prompt(16, 128000, 128256)[1],
                        BenchCommand.prompt(16, 128000, 128256)[2], BenchCommand.prompt(16, 128000, 128256)[15]});
    }

    @Test
    void nonPositiveCountsAreUsageErrors() {
        Run r = run("bench", "--model", model(), "--gen-tokens", "0");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--gen-tokens"), r.err());
    }
}
