package io.llama4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.llama4j.Fixtures;
import io.llama4j.format.gguf.GgufFormat;
import io.llama4j.spi.InferenceState;
import io.llama4j.spi.OpenedModel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decode loop allocates nothing: once warmed up (the JIT has compiled the kernels, so no vector is boxed),
 * a decode step, writing its logits into the caller's array, allocates (almost) no heap memory on the
 * calling thread or on the kernel's worker threads, on either parallel-region mechanism. Measured with the JVM's per-thread
 * allocation counters over a window of steps; a quantized input, a rope table, a score row or a task list
 * made per step would each show as hundreds of bytes to kilobytes per step.
 */
class ADecodeStepAllocatesNothing {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int WINDOW = 32;
    /**
     * What a step may allocate. On the spinning pool, a few bytes of slack: one object per window (a JIT or
     * thread-local side effect) must not fail the test, while a lambda per parallel region (about 40 bytes,
     * ten regions per step here) does. ForkJoin's own bookkeeping (waking and parking its workers) measured
     * up to about 950 bytes per step here; a task object and a lambda per chunk would add about 7 KB
     * (8 chunks x 11 regions x some 80 bytes).
     */
    private static long bytesPerStep(RowParallel.Pool pool) {
        return pool == RowParallel.Pool.SPIN ? 64 : 2048;
    }

    // Not the K-quants yet: their decode kernels allocate scratch arrays per chunk (tens of KB per step).
    static Stream<Arguments> cases() {
        return Stream.of("tiny-Q8_0", "small-k-Q4_0", "tiny-BF16")
                .flatMap(name -> Stream.of(RowParallel.Pool.values()).map(pool -> Arguments.of(name, pool)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void afterWarmUp(String name, RowParallel.Pool pool) throws Exception {
        try (OpenedModel opened = new GgufFormat().open(Fixtures.gguf(name));
             LlamaExecutor executor = new LlamaExecutor(opened.source(), 2, pool);
             InferenceState state = executor.newState(64)) {
            int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8};
            float[] logits = new float[executor.spec().vocabularySize()];
            state.forwardInto(prompt, 0, logits);
            int[] token = {9};
            long best = Long.MAX_VALUE;
            // Warm up until a window of steps allocates (almost) nothing, for at most 60 s.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && best > bytesPerStep(pool) * WINDOW) {
                List<Thread> threads = kernelThreads(executor.parallel);
                long before = allocated(threads);
                for (int step = 0; step < WINDOW; step++) {
                    // The same positions again and again: the cache neither grows nor moves.
                    state.forwardInto(token, prompt.length + step % 8, logits);
                    token[0] = argmax(logits);
                }
                best = Math.min(best, allocated(threads) - before);
            }
            System.out.printf("%-13s %-9s decode step allocates %d bytes (caller and workers)%n", name, pool, best / WINDOW);
            assertThat(best / WINDOW).as("bytes allocated per decode step, after warm-up, on " + name + " with " + pool)
                    .isLessThanOrEqualTo(bytesPerStep(pool));
        }
    }

    /**
     * The calling thread and the workers: the spinning pool's own, or every live ForkJoin kernel worker
     * (enumerated before each window, since ForkJoin starts its workers on demand).
     */
    private static List<Thread> kernelThreads(RowParallel parallel) {
        List<Thread> threads = new ArrayList<>(parallel.workerThreads());
        if (parallel.pool() == RowParallel.Pool.FORK_JOIN) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("llama4j-kernel-")) {
                    threads.add(t);
                }
            }
        }
        threads.add(Thread.currentThread());
        return threads;
    }

    private static long allocated(List<Thread> threads) {
        long sum = 0;
        for (Thread t : threads) {
            sum += THREADS.getThreadAllocatedBytes(t.threadId());
        }
        return sum;
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
