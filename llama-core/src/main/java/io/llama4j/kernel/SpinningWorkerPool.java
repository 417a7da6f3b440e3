package io.llama4j.kernel;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Parallel regions on a persistent pool: {@code threads - 1} worker threads plus the calling thread. A decode
 * step hands out about eighty regions of a few hundred microseconds each, so the hand-off must cost little:
 * waiting threads spin briefly on a job word before they park, the job is a handful of fields rewritten in
 * place (nothing is allocated per region), and the range is cut into a fixed number of contiguous chunks
 * that the threads claim from a shared counter, so a thread that is descheduled on a busy machine delays
 * the region by one chunk, not by its whole share.
 *
 * <p>One pool serves every session of a model. A region runs on the pool only when the pool is free; a
 * session that finds it busy (another session is mid-region) runs its region on its own thread, which
 * keeps concurrent sessions from queueing behind each other and makes nested use impossible to deadlock.
 *
 * <p>Tuning, for measurement: {@code -Dllama4j.kernel.chunksPerThread} (default 16), and how long a waiting
 * thread spins before it parks: {@code -Dllama4j.kernel.busySpins} {@link Thread#onSpinWait} rounds (default
 * 2000, some tens of microseconds), then {@link Thread#yield} until {@code -Dllama4j.kernel.spinMicros} have
 * passed (default 50). Spinning bridges the short serial steps between the regions of a token on an idle
 * machine; {@code spinMicros=0 busySpins=0} parks at once, which did better on a loaded 2-core machine,
 * where a spinning worker lost its turn to other processes and the caller ran most chunks itself.
 */
final class SpinningWorkerPool implements RowParallel.Regions {
    /**
     * Chunks per thread: the region ends when its last chunk does, so a thread that starts late (woken from
     * a park, or preempted) leaves the others idle for up to one chunk; sixteen keeps that tail short, and
     * the chunks stay long (a decode matmul's chunk is tens of rows) and contiguous for the prefetcher.
     */
    private static final int CHUNKS_PER_THREAD = Integer.getInteger("llama4j.kernel.chunksPerThread", 16);
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(Long.getLong("llama4j.kernel.spinMicros", 50));
    private static final int BUSY_SPINS = Integer.getInteger("llama4j.kernel.busySpins", 2000);

    private final int threads;
    private final Thread[] workers;
    /** Per worker: set before it parks, so the caller knows to unpark it. */
    private final AtomicInteger[] parked;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * The job word: generation (high 32 bits), chunk count (16 bits), next chunk to claim (low 16 bits).
     * Claiming by compare-and-set on the whole word means a worker that wakes late, after its generation
     * ended, can never claim a chunk of the next job while reading the previous one's fields.
     */
    private final AtomicLong job = new AtomicLong();
    private final AtomicInteger completed = new AtomicInteger();
    // The current job; written by the caller before the job word publishes them, read after a claim.
    private RowParallel.RangeTask task;
    private int length;
    private volatile Thread waiter;
    private volatile Throwable failure;

    SpinningWorkerPool(int threads) {
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.parked = new AtomicInteger[workers.length];
        for (int i = 0; i < workers.length; i++) {
            parked[i] = new AtomicInteger();
            int index = i;
            workers[i] = Thread.ofPlatform().daemon().name("llama4j-kernel-" + (i + 1)).unstarted(() -> work(index));
            workers[i].start();
        }
    }

    java.util.List<Thread> workerThreads() {
        return java.util.List.of(workers);
    }

    @Override
    public void run(int n, RowParallel.RangeTask task) {
        if (closed || !busy.compareAndSet(false, true)) {
            task.run(0, n);
            return;
        }
        try {
            int chunks = Math.min(Math.min(n, threads * CHUNKS_PER_THREAD), 0xFFFF);
            this.task = task;
            this.length = n;
            this.failure = null;
            completed.set(0);
            int generation = (int) (job.get() >>> 32) + 1;
            job.set(((long) generation << 32) | ((long) chunks << 16));
            for (int i = 0; i < workers.length; i++) {
                if (parked[i].get() != 0) {
                    LockSupport.unpark(workers[i]);
                }
            }
            runChunks(generation);
            awaitCompletion(chunks);
            this.task = null;
            Throwable f = failure;
            if (f != null) {
                if (f instanceof Error e) {
                    throw e;
                }
                throw f instanceof RuntimeException r ? r : new IllegalStateException(f);
            }
        } finally {
            busy.set(false);
        }
    }

    /** Claims and runs chunks of {@code generation}'s job until none is left. */
    private void runChunks(int generation) {
        while (true) {
            long word = job.get();
            int chunk = (int) (word & 0xFFFF);
            int chunks = (int) ((word >>> 16) & 0xFFFF);
            if ((int) (word >>> 32) != generation || chunk >= chunks) {
                return;
            }
            if (!job.compareAndSet(word, word + 1)) {
                continue; // another thread claimed this chunk first
            }
            int n = length;
            try {
                task.run((int) ((long) n * chunk / chunks), (int) ((long) n * (chunk + 1) / chunks));
            } catch (Throwable t) {
                failure = t;
            }
            if (completed.incrementAndGet() == chunks) {
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }

    private void awaitCompletion(int chunks) {
        long deadline = System.nanoTime() + SPIN_NANOS;
        int spins = 0;
        while (completed.get() < chunks) {
            if (++spins < BUSY_SPINS) {
                Thread.onSpinWait();
                continue;
            }
            if (System.nanoTime() < deadline) {
                Thread.yield();
                continue;
            }
            waiter = Thread.currentThread();
            if (completed.get() < chunks) {
                LockSupport.park(this);
            }
            waiter = null;
        }
    }

    private void work(int index) {
        int seen = 0;
        while (!closed) {
            int generation = awaitJob(index, seen);
            if (generation == seen) {
                continue; // woken by close() or spuriously
            }
            seen = generation;
            runChunks(generation);
        }
    }

    /** Spins, then parks, until the job word shows a generation other than {@code seen}; returns it. */
    private int awaitJob(int index, int seen) {
        long deadline = System.nanoTime() + SPIN_NANOS;
        int spins = 0;
        while (!closed) {
            int generation = (int) (job.get() >>> 32);
            if (generation != seen) {
                return generation;
            }
            if (++spins < BUSY_SPINS) {
                Thread.onSpinWait();
                continue;
            }
            if (System.nanoTime() < deadline) {
                Thread.yield();
                continue;
            }
            parked[index].set(1);
            if ((int) (job.get() >>> 32) == seen && !closed) {
                LockSupport.park(this);
            }
            parked[index].set(0);
            deadline = System.nanoTime() + SPIN_NANOS;
            spins = 0;
        }
        return seen;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
