package io.llama4j.onnx.graph;

import io.llama4j.LlamaException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The weight encodings of one build, run on a small fixed pool. Each job re-encodes one part of a tensor
 * (independent of every other) into its own reserved region of the data file, so the graph's protobuf is
 * assembled on the calling thread while the bytes are written on the pool; {@link #awaitAll} waits for them
 * and rethrows the first failure.
 */
final class EncodingJobs implements AutoCloseable {
    /** Bounded: the work is memory-bandwidth and disk bound, more threads only add buffers. */
    static final int MAX_THREADS = 4;

    private final ExecutorService pool;
    private final List<Future<?>> pending = new ArrayList<>();
    private final AtomicLong doneBytes = new AtomicLong();

    EncodingJobs() {
        this(Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors())));
    }

    EncodingJobs(int threads) {
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "llama4j-onnx-graph-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues {@code job}, which reads {@code sourceBytes} of the model (counted as done when it ends). */
    <T> Future<T> submit(long sourceBytes, Callable<T> job) {
        Future<T> f = pool.submit(() -> {
            T result = job.call();
            doneBytes.addAndGet(sourceBytes);
            return result;
        });
        pending.add(f);
        return f;
    }

    /** Source bytes of the jobs finished so far. */
    long doneBytes() {
        return doneBytes.get();
    }

    /**
     * Waits for every job queued so far, calling {@code tick} (on this thread) as each one is seen done and
     * about every {@code tickMillis} while waiting.
     */
    void awaitAll(long tickMillis, Runnable tick) throws IOException {
        for (Future<?> f : pending) {
            result(f, tickMillis, tick);
            tick.run();
        }
        pending.clear();
    }

    /** The value of a finished (or awaited) job, with its failure rethrown as it was thrown. */
    static <T> T result(Future<T> f, long tickMillis, Runnable tick) throws IOException {
        while (true) {
            try {
                return f.get(tickMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                tick.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while building the ONNX graph");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new LlamaException("encoding a weight failed: " + cause, cause);
            }
        }
    }

    /** Stops what is still queued or running (after a failure) and waits for the threads to end. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
