package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Without {@code jdk.incubator.vector} (the build runs this class in a JVM without it) the scalar loops give
 * llama.cpp's greedy tokens too; {@link GreedyMatchesLlamaCpp} covers the vectorized kernel.
 */
class ScalarKernelMatchesLlamaCpp {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny-F32", "tiny-Q8_0", "small-k-Q4_0", "small-k-Q4_K"})
    void firstPromptGreedyTokens(String name) {
        assertFalse(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "runs in the build's JVM without the Vector API (execution scalar-kernel)");
        JsonNode en = Fixtures.reference(name).get("results").get(0);
        int[] prompt = Fixtures.ints(en.get("prompt_tokens"));
        int[] expected = Fixtures.ints(en.get("output_tokens"));
        try (LlamaModel model = LlamaModel.load(Fixtures.gguf(name), LoadOptions.defaults().withThreads(2));
             Session session = model.newSession()) {
            float[] logits = session.evaluate(prompt, 0);
            for (int step = 0; step < 8; step++) {
                assertEquals(expected[step], Sampler.greedy().sample(logits, null), name + " step " + step);
                logits = session.evaluate(new int[] {expected[step]}, prompt.length + step);
            }
        }
    }
}
