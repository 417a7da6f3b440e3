package io.llama4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The worker pool behind the forward pass: however many threads call it at once (sessions sharing a
 * model), each call runs every index of its range exactly once before it returns, a failure in any chunk
 * reaches the caller without wedging the pool, and closing the pool ends its worker threads; on both
 * mechanisms ({@link RowParallel.Pool}: ForkJoin and the spinning worker pool).
 */
class RowParallelRunsEveryIndexOnceFromManyCallers {
    /** Enough per index that every call is large enough to be split over the workers. */
    private static final long HEAVY = 1 << 20;

    @ParameterizedTest
    @EnumSource(RowParallel.Pool.class)
    void everyIndexRunsExactlyOnceUnderConcurrentCallers(RowParallel.Pool pool) throws Exception {
        try (RowParallel parallel = new RowParallel(3, pool)) {
            int callers = 8;
            CyclicBarrier start = new CyclicBarrier(callers);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLong splitCalls = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int call = 0; call < 400; call++) {
                            int n = 1 + (caller * 7919 + call * 104729) % 3000;
                            AtomicIntegerArray visits = new AtomicIntegerArray(n);
                            Thread me = Thread.currentThread();
                            boolean[] elsewhere = new boolean[1];
                            parallel.forEach(n, HEAVY, (from, to) -> {
                                if (Thread.currentThread() != me) {
                                    elsewhere[0] = true;
                                }
                                for (int i = from; i < to; i++) {
                                    visits.incrementAndGet(i);
                                }
                            });
                            for (int i = 0; i < n; i++) {
                                if (visits.get(i) != 1) {
                                    throw new AssertionError("caller " + caller + ", call " + call + ": index " + i
                                            + " of " + n + " ran " + visits.get(i) + " times");
                                }
                            }
                            if (elsewhere[0]) {
                                splitCalls.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
            // Other threads took part: the pool is not silently running everything on the callers.
            assertThat(splitCalls.get()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(RowParallel.Pool.class)
    void aFailingChunkReachesTheCallerAndThePoolKeepsWorking(RowParallel.Pool pool) {
        try (RowParallel parallel = new RowParallel(2, pool)) {
            for (int round = 0; round < 50; round++) {
                int bad = round * 37 % 1000;
                assertThatThrownBy(() -> parallel.forEach(1000, HEAVY, (from, to) -> {
                    if (from <= bad && bad < to) {
                        throw new IllegalStateException("chunk with " + bad);
                    }
                })).isInstanceOf(IllegalStateException.class).hasMessageContaining("chunk with " + bad);
                AtomicIntegerArray visits = new AtomicIntegerArray(1000);
                parallel.forEach(1000, HEAVY, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        visits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < 1000; i++) {
                    assertThat(visits.get(i)).as("index %d", i).isEqualTo(1);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RowParallel.Pool.class)
    void closingEndsTheWorkers(RowParallel.Pool pool) throws Exception {
        long before = liveKernelWorkers();
        List<RowParallel> pools = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RowParallel p = new RowParallel(4, pool);
            p.forEach(1000, HEAVY, (from, to) -> { });  // workers may start on first use
            pools.add(p);
        }
        assertThat(liveKernelWorkers()).isGreaterThan(before);
        for (RowParallel p : pools) {
            p.close();
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (liveKernelWorkers() > before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(liveKernelWorkers()).isLessThanOrEqualTo(before);

    }

    private static long liveKernelWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("llama4j-kernel-"))
                .count();
    }
}
