package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A system prompt evaluated once and forked into many sessions gives, after each fork's own question, the
 * same greedy tokens as a cold session evaluating the whole prompt, and logits within the kernel's
 * batch-size rounding (the prefix is evaluated in one batch, the question in another).
 */
class ForkedSessionsReuseAPrefixLikeAColdRun {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.gguf("tiny-Q8_0"), LoadOptions.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static final GenerationOptions GREEDY = GenerationOptions.builder().maxTokens(16)
            .sampler(Sampler.greedy()).topLogits(8).build();

    static double maxLogitDifference(Generation a, Generation b) {
        double max = 0;
        for (int step = 0; step < a.topLogits().size(); step++) {
            for (int i = 0; i < a.topLogits().get(step).size(); i++) {
                TokenLogit x = a.topLogits().get(step).get(i);
                TokenLogit y = b.topLogits().get(step).get(i);
                assertEquals(x.id(), y.id(), "step " + step);
                max = Math.max(max, Math.abs(x.logit() - y.logit()));
            }
        }
        return max;
    }

    @Test
    void forksOfASystemPromptContinueLikeColdSessions() throws Exception {
        int[] system = model.tokenizePrompt("You are a helpful assistant who answers in one sentence.");
        List<String> questions = List.of(" What is the capital of France?", " Name a prime number.",
                " Why is the sky blue?", " Tell me a joke.");
        try (Session base = model.newSession(512);
             ExecutorService pool = Executors.newFixedThreadPool(4)) {
            assertEquals(system.length, base.prefill(system));
            assertEquals(0, base.prefill(system), "a second prefill finds everything cached");
            List<Future<Double>> results = new ArrayList<>();
            for (String question : questions) {
                int[] prompt = Fixtures.concat(system, model.tokenizer().encode(question, false));
                Session fork = base.fork();
                results.add(pool.submit(() -> {
                    try (fork; Session cold = model.newSession(512)) {
                        assertArrayEquals(system, fork.contextTokens());
                        Generation reused = fork.generate(prompt, GREEDY, p -> { });
                        Generation fresh = cold.generate(prompt, GREEDY, p -> { });
                        assertEquals(system.length, reused.reusedPromptTokens());
                        assertEquals(0, fresh.reusedPromptTokens());
                        assertArrayEquals(fresh.ids(), reused.ids(), question);
                        return maxLogitDifference(fresh, reused);
                    }
                }));
            }
            double worst = 0;
            for (Future<Double> r : results) {
                worst = Math.max(worst, r.get());
            }
            System.out.printf("fork vs cold: max |d logit| %.3e over %d questions%n", worst, questions.size());
            assertTrue(worst <= 1e-4, "max |d logit| " + worst);
            assertArrayEquals(system, base.contextTokens(), "the forks left the base untouched");
        }
    }

    @Test
    void aForkIsIndependentOfItsBase() {
        try (Session base = model.newSession(256)) {
            base.generate("Once upon a time", GenerationOptions.greedy(4));
            int[] before = base.contextTokens();
            try (Session fork = base.fork()) {
                fork.generate("Something else entirely", GenerationOptions.greedy(4));
                assertArrayEquals(before, base.contextTokens());
                assertEquals(base.contextLength(), fork.contextLength());
            }
            Generation again = base.generate(model.tokenizePrompt("Once upon a time"), GenerationOptions.greedy(4), p -> { });
            assertTrue(again.reusedPromptTokens() > 0);
        }
    }
}
