package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The documented context shift: keep the first tokens, drop the older half of the rest, go on. */
class SessionShiftsAFullContextWhenAsked {
    private static LlamaModel model;
    private static int[] prompt;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.gguf("tiny-F32"), LoadOptions.defaults().withThreads(2));
        prompt = Fixtures.ints(Fixtures.reference("tiny-F32").get("results").get(0).get("prompt_tokens"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void generationGoesOnPastAFullContextKeepingTheFirstTokens() {
        int context = prompt.length + 6;
        SessionOptions options = SessionOptions.defaults().withContextLength(context).withContextShift(3);
        try (Session session = model.newSession(options); Session cold = model.newSession()) {
            Generation g = session.generate(prompt, GenerationOptions.greedy(30), p -> { });
            assertEquals(StopReason.MAX_TOKENS, g.stopReason());
            assertEquals(30, g.ids().length);
            int[] cached = session.contextTokens();
            assertTrue(cached.length <= context, cached.length + " tokens in a context of " + context);
            assertArrayEquals(Arrays.copyOf(prompt, 3), Arrays.copyOf(cached, 3));
            // the cache after shifting is what evaluating its tokens from scratch gives: same next token
            int[] last = {g.ids()[g.ids().length - 1]};
            assertArrayEquals(last, cold.generate(cached, GenerationOptions.greedy(1), p -> { }).ids());
        }
    }

    @Test
    void withoutAShiftAFullContextEndsTheGeneration() {
        try (Session session = model.newSession(SessionOptions.defaults().withContextLength(prompt.length + 2))) {
            assertEquals(StopReason.CONTEXT_FULL, session.generate(prompt, GenerationOptions.greedy(30), p -> { }).stopReason());
        }
    }
}
