package io.llama4j.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Parallel regions on a {@link ForkJoinPool}: each region is cut into four chunks per thread, submitted as
 * tasks and joined by the caller; idle workers steal, which keeps it robust on a loaded machine. The chunk
 * tasks are kept per calling thread and reinitialized for each region (sessions on several threads share
 * the pool, each with its own set), so a region allocates nothing.
 */
final class ForkJoinRegions implements RowParallel.Regions {
    private static final int CHUNKS_PER_THREAD = 4;

    private final int threads;
    private final ForkJoinPool pool;
    private final ThreadLocal<Chunk[]> chunks;

    ForkJoinRegions(int threads) {
        this.threads = threads;
        this.pool = new ForkJoinPool(threads, p -> {
            var worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            worker.setName("llama4j-kernel-" + worker.getPoolIndex());
            worker.setDaemon(true);
            return worker;
        }, null, false);
        this.chunks = ThreadLocal.withInitial(() -> {
            Chunk[] c = new Chunk[threads * CHUNKS_PER_THREAD];
            for (int i = 0; i < c.length; i++) {
                c[i] = new Chunk();
            }
            return c;
        });
    }

    /** One chunk of a region's range. */
    private static final class Chunk extends RecursiveAction {
        private RowParallel.RangeTask task;
        private int from;
        private int to;

        @Override
        protected void compute() {
            task.run(from, to);
        }
    }

    @Override
    public void run(int n, RowParallel.RangeTask task) {
        Chunk[] mine = chunks.get();
        int count = Math.min(n, mine.length);
        for (int c = 0; c < count; c++) {
            Chunk chunk = mine[c];
            chunk.reinitialize();
            chunk.task = task;
            chunk.from = (int) ((long) n * c / count);
            chunk.to = (int) ((long) n * (c + 1) / count);
            pool.execute(chunk);
        }
        // Every chunk is joined before a failure is rethrown: a chunk still running must not be
        // reinitialized by this thread's next region.
        Throwable failure = null;
        for (int c = 0; c < count; c++) {
            Chunk chunk = mine[c];
            chunk.quietlyJoin();
            if (failure == null && chunk.isCompletedAbnormally()) {
                failure = chunk.getException();
            }
            chunk.task = null;
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
