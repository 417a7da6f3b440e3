package io.llama4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/** Splits index ranges (matrix rows, attention heads) over a fixed set of worker threads. */
final class RowParallel implements AutoCloseable {
    /** Below this many multiply-adds, handing work to other threads costs more than it saves. */
    private static final long MIN_PARALLEL_WORK = 1 << 15;
    private static final int CHUNKS_PER_THREAD = 4;

    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    private final int threads;
    private final ForkJoinPool pool;

    RowParallel(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads, pool -> {
            var worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            worker.setName("llama4j-kernel-" + worker.getPoolIndex());
            worker.setDaemon(true);
            return worker;
        }, null, false) : null;
    }

    int threads() {
        return threads;
    }

    /** Runs {@code task} over {@code 0 ..< n} in chunks; {@code workPerIndex} estimates the cost of one index. */
    void forEach(int n, long workPerIndex, RangeTask task) {
        if (pool == null || n < 2 || (long) n * workPerIndex < MIN_PARALLEL_WORK) {
            task.run(0, n);
            return;
        }
        int chunks = Math.min(n, threads * CHUNKS_PER_THREAD);
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            tasks.add(pool.submit(() -> task.run(from, to)));
        }
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
