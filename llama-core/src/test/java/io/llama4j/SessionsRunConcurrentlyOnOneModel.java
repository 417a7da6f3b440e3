package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One model, many sessions on many threads: weights shared, caches separate, outputs as if alone. */
class SessionsRunConcurrentlyOnOneModel {
    private static final int THREADS = 16;
    private static LlamaModel model;
    private static int[] prompt;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.gguf("tiny-Q8_0"), LoadOptions.defaults().withThreads(2));
        prompt = Fixtures.ints(Fixtures.reference("tiny-Q8_0").get("results").get(0).get("prompt_tokens"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Prompt i: the reference prompt cut to a different length, so every thread computes something else. */
    private static int[] prompt(int i) {
        return Arrays.copyOf(prompt, Math.max(2, prompt.length - i % prompt.length));
    }

    @Test
    void sixteenThreadsGetWhatEachSessionGivesAlone() throws Exception {
        List<int[]> alone = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            try (Session session = model.newSession()) {
                alone.add(session.generate(prompt(i), GenerationOptions.greedy(8), p -> { }).ids());
            }
        }
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<int[]>> together = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                int index = i;
                together.add(pool.submit(() -> {
                    try (Session session = model.newSession()) {
                        start.await();
                        return session.generate(prompt(index), GenerationOptions.greedy(8), p -> { }).ids();
                    }
                }));
            }
            for (int i = 0; i < THREADS; i++) {
                assertArrayEquals(alone.get(i), together.get(i).get(120, TimeUnit.SECONDS), "thread " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theDefaultContextIsSizedFromTheHeapAndCappedByTheModel() {
        var spec = model.spec();
        assertEquals(2L * spec.layers() * spec.kvHeads() * spec.headDim() * 4, model.kvBytesPerToken());
        int length = model.defaultContextLength();
        assertTrue(length >= Math.min(256, spec.contextLength()) && length <= spec.contextLength(), "" + length);
        assertTrue(length == spec.contextLength()
                || (long) length * model.kvBytesPerToken() <= Runtime.getRuntime().maxMemory() / 2, "" + length);
        try (Session session = model.newSession()) {
            assertEquals(length, session.contextLength());
        }
        try (Session session = model.newSession(SessionOptions.defaults().withContextLength(100))) {
            assertEquals(100, session.contextLength());
        }
        assertThrows(IllegalArgumentException.class, () -> SessionOptions.defaults().withContextLength(0));
    }

    @Test
    void aPromptThatDoesNotFitIsAClearError() {
        try (Session session = model.newSession(SessionOptions.defaults().withContextLength(3))) {
            ContextOverflowException e = assertThrows(ContextOverflowException.class,
                    () -> session.generate(prompt, GenerationOptions.greedy(1), p -> { }));
            assertTrue(e.getMessage().contains(prompt.length + " tokens") && e.getMessage().contains("holds 3"),
                    e.getMessage());
        }
    }
}
