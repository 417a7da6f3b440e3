package io.llama4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Closing a model while sessions generate on other threads ends each of them with a
 * {@link ModelClosedException}: never a JVM crash from reading unmapped weights, never a hang, never an
 * untyped exception from the kernel's workers. Closing twice is harmless, and the model and its sessions
 * refuse further work with the same exception.
 */
class ClosingAModelEndsItsSessionsCleanly {
    private static final int THREADS = 4;
    private static int[] prompt;
    /** Teacher forcing a long run: the generation cannot end by itself (no end token stops it). */
    private static GenerationOptions endless;

    @BeforeAll
    static void prompt() {
        int[] reference = Fixtures.ints(Fixtures.reference("tiny-Q8_0").get("results").get(0).get("prompt_tokens"));
        prompt = Arrays.copyOf(reference, Math.min(8, reference.length));
        int[] forced = new int[100_000];
        Arrays.fill(forced, prompt[prompt.length - 1]);
        endless = GenerationOptions.builder().forcedTokens(forced).build();
    }

    private static LlamaModel load() {
        return LlamaModel.load(Fixtures.gguf("tiny-Q8_0"), LoadOptions.defaults().withThreads(2));
    }

    /** Closes after {@code delayMillis}: 0 lands in session creation or prefill, longer ones mid-decoding. */
    @ParameterizedTest(name = "closed {0} ms after the sessions started")
    @ValueSource(ints = {0, 1, 10, 50, 200})
    void sessionsGeneratingOnOtherThreadsEndWithModelClosed(int delayMillis) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            LlamaModel model = load();
            CountDownLatch started = new CountDownLatch(THREADS);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Generation>> running = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    running.add(pool.submit(() -> {
                        started.countDown();
                        try (Session session = model.newSession(SessionOptions.defaults().withContextLength(64)
                                .withContextShift(4))) {
                            return session.generate(prompt, endless, piece -> { });
                        }
                    }));
                }
                started.await();
                Thread.sleep(delayMillis);
                model.close();
                for (Future<Generation> f : running) {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
                    assertThat(e.getCause()).isInstanceOf(ModelClosedException.class);
                    assertThat(e.getCause().getMessage()).contains("closed");
                }
            } finally {
                pool.shutdownNow();
                model.close();
            }
        });
    }

    @Test
    void closingTwiceIsHarmlessAndLaterUseIsRefused() {
        LlamaModel model = load();
        Session session = model.newSession(16);
        assertThat(session.generate(prompt, GenerationOptions.greedy(2), p -> { }).ids()).hasSize(2);
        model.close();
        assertDoesNotThrow(model::close);
        assertThat(model.isClosed()).isTrue();
        assertThrows(ModelClosedException.class, model::newSession);
        assertThrows(ModelClosedException.class, model::validateWeights);
        ModelClosedException e = assertThrows(ModelClosedException.class,
                () -> session.generate(new int[] {prompt[0], prompt[1] + 1}, GenerationOptions.greedy(2), p -> { }));
        assertThat(e.getMessage()).contains("tiny-Q8_0.gguf").contains("closed");
        assertDoesNotThrow(session::close);
    }
}
