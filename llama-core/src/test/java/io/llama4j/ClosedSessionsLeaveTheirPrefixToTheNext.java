package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With a prefix cache, a new session whose prompt starts like a closed session's reuses its keys and values:
 * the output equals a cold run's (greedy tokens and logits), the shared tokens are not evaluated, and the
 * cache never holds more than its capacity.
 */
class ClosedSessionsLeaveTheirPrefixToTheNext {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.gguf("tiny-Q8_0"), LoadOptions.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] prompt(String system, String question) {
        int[] s = model.tokenizePrompt(system);
        int[] q = model.tokenizer().encode(question, false);
        int[] out = Arrays.copyOf(s, s.length + q.length);
        System.arraycopy(q, 0, out, s.length, q.length);
        return out;
    }

    private static Generation run(int[] prompt) {
        try (Session session = model.newSession(256)) {
            return session.generate(prompt, GenerationOptions.builder().maxTokens(12).sampler(Sampler.greedy())
                    .topLogits(5).build(), p -> { });
        }
    }

    @Test
    void aSecondSessionReusesTheSystemPromptAndAnswersLikeAColdOne() {
        String system = "You are a helpful assistant. Answer briefly and politely.";
        int systemTokens = model.tokenizePrompt(system).length;
        List<String> questions = List.of(" Where is Paris?", " What is two plus two?", " Name a colour.");
        model.prefixCache().setCapacity(0);
        List<Generation> cold = questions.stream().map(q -> run(prompt(system, q))).toList();
        try {
            model.prefixCache().setCapacity(64L << 20);
            assertEquals(0, run(prompt(system, questions.get(0))).reusedPromptTokens(), "nothing stored yet");
            for (int i = 0; i < questions.size(); i++) {
                Generation warm = run(prompt(system, questions.get(i)));
                assertTrue(warm.reusedPromptTokens() >= systemTokens, "reused " + warm.reusedPromptTokens());
                assertArrayEquals(cold.get(i).ids(), warm.ids(), questions.get(i));
                assertEquals(cold.get(i).topLogits(), warm.topLogits(), "the copied cache holds the same numbers");
            }
            assertTrue(model.prefixCache().bytes() <= model.prefixCache().capacity());
        } finally {
            model.prefixCache().setCapacity(0);
        }
        assertEquals(0, model.prefixCache().entries());
        assertEquals(0, model.prefixCache().bytes());
    }

    @Test
    void theCacheStaysWithinItsCapacityDroppingTheLeastRecentlyUsed() {
        long perToken = model.kvBytesPerToken(KvCacheType.F32);
        try {
            model.prefixCache().setCapacity(60 * perToken);
            for (int i = 0; i < 8; i++) {
                run(prompt("Document number " + i + " says something different from the others.", " Summarize."));
                assertTrue(model.prefixCache().bytes() <= 60 * perToken, "bytes " + model.prefixCache().bytes());
            }
            assertTrue(model.prefixCache().entries() >= 1 && model.prefixCache().entries() < 8,
                    "entries " + model.prefixCache().entries());
            // the most recent document is still held; the first one was dropped
            assertTrue(run(prompt("Document number 7 says something different from the others.", " Why?"))
                    .reusedPromptTokens() > 10);
            assertTrue(run(prompt("Document number 0 says something different from the others.", " Why?"))
                    .reusedPromptTokens() < 5);
        } finally {
            model.prefixCache().setCapacity(0);
        }
    }

    @Test
    void onlySessionsOfTheSameCacheTypeAndContextReuse() {
        int[] p = prompt("A prompt shared between sessions of different shapes.", " Go on.");
        try {
            model.prefixCache().setCapacity(64L << 20);
            run(p);
            try (Session other = model.newSession(SessionOptions.defaults().withContextLength(256)
                    .withKvCacheType(KvCacheType.F16))) {
                assertEquals(0, other.generate(p, GenerationOptions.greedy(2), x -> { }).reusedPromptTokens());
            }
            try (Session longer = model.newSession(512)) {
                assertEquals(0, longer.generate(p, GenerationOptions.greedy(2), x -> { }).reusedPromptTokens());
            }
        } finally {
            model.prefixCache().setCapacity(0);
        }
    }
}
