package io.llama4j.kernel;

import java.util.Locale;

/**
 * Splits index ranges (matrix rows, attention heads) over a fixed set of threads. Small ranges run on the
 * calling thread; larger ones go to one of two interchangeable mechanisms, chosen per JVM by the system
 * property {@value #POOL_PROPERTY}:
 * <ul>
 *   <li>{@code forkjoin} (the default): a {@link java.util.concurrent.ForkJoinPool} of {@code threads} workers,
 *       four chunks per thread ({@link ForkJoinRegions});</li>
 *   <li>{@code spin}: a persistent pool of {@code threads - 1} workers plus the caller, chunks claimed from
 *       one job word, nothing allocated per region ({@link SpinningWorkerPool}).</li>
 * </ul>
 * The default stays ForkJoin until the pool is shown to win on an idle machine.
 */
final class RowParallel implements AutoCloseable {
    /** {@code -Dllama4j.kernel.pool=forkjoin|spin}: which mechanism runs parallel regions. */
    static final String POOL_PROPERTY = "llama4j.kernel.pool";
    /** Below this many multiply-adds, handing work to other threads costs more than it saves. */
    private static final long MIN_PARALLEL_WORK = 1 << 15;

    /** What runs the parallel regions. */
    enum Pool {
        FORK_JOIN("forkjoin"),
        SPIN("spin");

        private final String property;

        Pool(String property) {
            this.property = property;
        }

        /** The mechanism named by {@value #POOL_PROPERTY}, ForkJoin when it is unset. */
        static Pool fromSystemProperty() {
            String value = System.getProperty(POOL_PROPERTY);
            if (value == null || value.isBlank()) {
                return FORK_JOIN;
            }
            for (Pool p : values()) {
                if (p.property.equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new IllegalArgumentException("-D" + POOL_PROPERTY + "=" + value
                    + " is not a kernel pool (forkjoin or spin)");
        }
    }

    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    /** A mechanism that runs {@code task} over {@code 0 ..< n} on several threads and returns when all is done. */
    sealed interface Regions extends AutoCloseable permits ForkJoinRegions, SpinningWorkerPool {
        void run(int n, RangeTask task);

        @Override
        void close();
    }

    private final int threads;
    private final Pool pool;
    private final Regions regions;

    /** {@code threads} threads in all, on the pool {@value #POOL_PROPERTY} names. */
    RowParallel(int threads) {
        this(threads, Pool.fromSystemProperty());
    }

    RowParallel(int threads, Pool pool) {
        this.threads = threads;
        this.pool = pool;
        this.regions = threads < 2 ? null : switch (pool) {
            case FORK_JOIN -> new ForkJoinRegions(threads);
            case SPIN -> new SpinningWorkerPool(threads);
        };
    }

    int threads() {
        return threads;
    }

    Pool pool() {
        return pool;
    }

    /** The pool's own worker threads, where it keeps a fixed set ({@link Pool#SPIN}); else none. */
    java.util.List<Thread> workerThreads() {
        return regions instanceof SpinningWorkerPool spinning ? spinning.workerThreads() : java.util.List.of();
    }

    /** Runs {@code task} over {@code 0 ..< n} in chunks; {@code workPerIndex} estimates the cost of one index. */
    void forEach(int n, long workPerIndex, RangeTask task) {
        if (regions == null || n < 2 || (long) n * workPerIndex < MIN_PARALLEL_WORK) {
            task.run(0, n);
            return;
        }
        regions.run(n, task);
    }

    @Override
    public void close() {
        if (regions != null) {
            regions.close();
        }
    }
}
