package io.llama4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Parallel regions on a {@link ForkJoinPool}: each region is cut into four chunks per thread, submitted as
 * tasks and joined by the caller. Simple and robust on a loaded machine (idle workers steal), at the price
 * of a few task objects per region (about 0.6 KB).
 */
final class ForkJoinRegions implements RowParallel.Regions {
    private static final int CHUNKS_PER_THREAD = 4;

    private final int threads;
    private final ForkJoinPool pool;

    ForkJoinRegions(int threads) {
        this.threads = threads;
        this.pool = new ForkJoinPool(threads, p -> {
            var worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            worker.setName("llama4j-kernel-" + worker.getPoolIndex());
            worker.setDaemon(true);
            return worker;
        }, null, false);
    }

    @Override
    public void run(int n, RowParallel.RangeTask task) {
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
        pool.shutdownNow();
    }
}
