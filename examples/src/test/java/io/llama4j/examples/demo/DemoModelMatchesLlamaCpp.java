package io.llama4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The demo model shipped in examples/demo-model, run by our kernel, produces llama.cpp's greedy tokens up to
 * the end of each reply
 * (recorded with ../shared/tools/fixtures/llamacpp-ref.mjs into Llama-Fortunes-demo-Q8_0.ref.json), and
 * our tokenizer turns the text prompts into llama.cpp's prompt ids.
 */
class DemoModelMatchesLlamaCpp {
    /** Below this top-1/top-2 logit margin a step is a near-tie that rounding may decide either way. */
    private static final double NEAR_TIE = 0.05;

    static Path demoFolder() {
        Path folder = Path.of(System.getProperty("llama4j.demo.folder", "demo-model"));
        if (!Files.isRegularFile(folder.resolve("Llama-Fortunes-demo-Q8_0.gguf"))) {
            fail("missing demo model in " + folder.toAbsolutePath().normalize());
        }
        return folder;
    }

    @Test
    void greedyTokensAndPromptIdsEqualLlamaCpps() throws IOException {
        Path folder = demoFolder();
        JsonNode ref = new ObjectMapper().readTree(folder.resolve("Llama-Fortunes-demo-Q8_0.ref.json").toFile());
        int compared = 0;
        try (LlamaModel model = LlamaModel.load(folder.resolve("Llama-Fortunes-demo-Q8_0.gguf"),
                LoadOptions.defaults().withThreads(2))) {
            for (JsonNode result : ref.get("results")) {
                String name = result.get("name").asText();
                int[] prompt = ints(result.get("prompt_tokens"));
                if (result.get("add_bos").asBoolean()) {
                    assertArrayEquals(prompt, model.tokenizePrompt(result.get("text").asText()), name + ": prompt ids");
                }
                int[] expected = ints(result.get("output_tokens"));
                int[] ours = greedy(model, prompt, expected.length);
                for (int step = 0; step < ours.length; step++) {
                    if (ours[step] != expected[step]) {
                        double margin = result.get("steps").get(step).get("margin_top1_top2").asDouble();
                        if (margin >= NEAR_TIE) {
                            fail(name + ": step " + step + " we chose " + ours[step] + ", llama.cpp " + expected[step]
                                    + " (margin " + margin + ")\n ours  " + Arrays.toString(ours)
                                    + "\n llama " + Arrays.toString(expected));
                        }
                        break;
                    }
                    compared++;
                }
            }
        }
        System.out.printf("demo model: %d greedy tokens equal to llama.cpp's%n", compared);
        assertTrue(compared >= 40, "compared only " + compared + " tokens");
    }

    /** Greedy decoding until an end-of-generation token (llama.cpp's reference run goes on past it). */
    private static int[] greedy(LlamaModel model, int[] prompt, int steps) {
        try (Session session = model.newSession(1024)) {
            return session.generate(prompt, GenerationOptions.greedy(steps), piece -> { }).ids();
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
