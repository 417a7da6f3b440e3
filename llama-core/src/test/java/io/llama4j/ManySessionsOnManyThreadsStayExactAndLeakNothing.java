package io.llama4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Stress: many sessions on one model from many threads for a bounded time. Every generation equals the
 * greedy output the same prompt gives on one thread alone, no exception escapes, and the heap left after
 * garbage collection at the end is within {@link #HEAP_GROWTH_BOUND_BYTES} of where it started.
 *
 * <p>Each worker alternates between a fresh session per prompt and one long-lived session that it reuses
 * (so prompts that share a prefix with the previous one reuse the cache), and between the listener and the
 * iterator APIs. In CI: {@value #DEFAULT_SECONDS} s on {@value #DEFAULT_THREADS} threads. A long run:
 * {@code -Dllama4j.stress.seconds=600 -Dllama4j.stress.threads=32}.
 */
class ManySessionsOnManyThreadsStayExactAndLeakNothing {
    private static final int DEFAULT_SECONDS = 20;
    private static final int DEFAULT_THREADS = 8;
    private static final int SECONDS = Integer.getInteger("llama4j.stress.seconds", DEFAULT_SECONDS);
    private static final int THREADS = Integer.getInteger("llama4j.stress.threads", DEFAULT_THREADS);
    /**
     * What the heap may keep after the run, beyond where it started. Each session's cache is a few hundred
     * kilobytes here (64 tokens); a leak of one cache per generation would pass this within a second of the
     * run, while the heap's own noise after a full GC (class data, JIT-profiled objects) is a few megabytes.
     */
    private static final long HEAP_GROWTH_BOUND_BYTES = 32L << 20;
    private static final int CONTEXT = 64;
    private static final int TOKENS = 6;

    @Test
    void everyGenerationMatchesTheSingleThreadedOneAndTheHeapStaysFlat() throws Exception {
        try (LlamaModel model = LlamaModel.load(Fixtures.gguf("tiny-Q8_0"), LoadOptions.defaults().withThreads(2))) {
            int[] reference = Fixtures.ints(Fixtures.reference("tiny-Q8_0").get("results").get(0).get("prompt_tokens"));
            List<int[]> prompts = new ArrayList<>();
            List<int[]> alone = new ArrayList<>();
            for (int length = 2; length <= Math.min(reference.length, 12); length++) {
                int[] prompt = Arrays.copyOf(reference, length);
                prompts.add(prompt);
                try (Session session = model.newSession(CONTEXT)) {
                    alone.add(session.generate(prompt, GenerationOptions.greedy(TOKENS), p -> { }).ids());
                }
            }
            long heapBefore = usedHeapAfterGc();

            long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLong generations = new AtomicLong();
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int worker = t;
                workers.add(Thread.ofPlatform().name("stress-" + t).start(() -> {
                    try (Session reused = model.newSession(CONTEXT)) {
                        start.await();
                        for (int i = worker; System.nanoTime() < deadline; i++) {
                            int which = i % prompts.size();
                            int[] ids = (i / prompts.size() + worker) % 2 == 0
                                    ? generateFresh(model, prompts.get(which), i)
                                    : generate(reused, prompts.get(which), i);
                            if (!Arrays.equals(alone.get(which), ids)) {
                                throw new AssertionError("worker " + worker + ", prompt " + which + ": "
                                        + Arrays.toString(ids) + " instead of " + Arrays.toString(alone.get(which)));
                            }
                            generations.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            long heapAfter = usedHeapAfterGc();
            System.out.printf("stress: %d threads for %d s: %d generations of %d tokens; heap after GC %d -> %d KiB%n",
                    THREADS, SECONDS, generations.get(), TOKENS, heapBefore >> 10, heapAfter >> 10);
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError(failures.size() + " workers failed; the first: " + failures.peek(),
                        failures.peek());
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
            assertThat(generations.get()).as("generations").isGreaterThanOrEqualTo(THREADS);
            assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(HEAP_GROWTH_BOUND_BYTES);
        }
    }

    private static int[] generateFresh(LlamaModel model, int[] prompt, int i) {
        try (Session session = model.newSession(CONTEXT)) {
            return generate(session, prompt, i);
        }
    }

    /** Listener or iterator, by turns: both must give the same tokens. */
    private static int[] generate(Session session, int[] prompt, int i) {
        if (i % 3 == 0) {
            GenerationIterator pieces = session.iterate(prompt, GenerationOptions.greedy(TOKENS));
            while (pieces.hasNext()) {
                pieces.next();
            }
            return pieces.generation().ids();
        }
        return session.generate(prompt, GenerationOptions.greedy(TOKENS), p -> { }).ids();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
