package io.llama4j;

import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A generation as a {@link Flow.Publisher} of text pieces: tokens are evaluated only while the subscriber
 * has demand, on the given executor, one signal at a time. Single use: one subscriber.
 */
final class GenerationPublisher implements Flow.Publisher<String> {
    private final Session session;
    private final int[] promptIds;
    private final GenerationOptions options;
    private final Executor executor;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    GenerationPublisher(Session session, int[] promptIds, GenerationOptions options, Executor executor) {
        this.session = session;
        this.promptIds = promptIds.clone();
        this.options = options;
        this.executor = executor;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super String> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(new IllegalStateException("a generation publisher takes one subscriber only"));
            return;
        }
        subscriber.onSubscribe(new Pieces(subscriber));
    }

    private final class Pieces implements Flow.Subscription {
        private final Flow.Subscriber<? super String> subscriber;
        private final AtomicLong demand = new AtomicLong();
        /** Drain requests not yet served; only the caller that raises it from 0 runs the drain loop. */
        private final AtomicInteger pending = new AtomicInteger();
        private volatile boolean cancelled;
        private volatile Decoding decoding;
        private boolean done;

        Pieces(Flow.Subscriber<? super String> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                executor.execute(() -> subscriber.onError(
                        new IllegalArgumentException("request(n) needs n > 0 (rule 3.9), got " + n)));
                return;
            }
            demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            schedule();
        }

        @Override
        public void cancel() {
            cancelled = true;
            Decoding d = decoding;
            if (d != null) {
                d.cancel();
            }
            schedule();  // lets the drain loop end the decoding, so the session is left idle
        }

        private void schedule() {
            if (pending.getAndIncrement() == 0) {
                executor.execute(this::drain);
            }
        }

        private void drain() {
            int missed = 1;
            do {
                try {
                    while (!done && !cancelled && demand.get() > 0) {
                        if (decoding == null) {
                            decoding = session.begin(promptIds, options);
                        }
                        String piece = decoding.next();
                        if (piece == null) {
                            done = true;
                            subscriber.onComplete();
                        } else {
                            demand.decrementAndGet();
                            subscriber.onNext(piece);
                        }
                    }
                    if (cancelled && !done) {
                        done = true;
                        if (decoding != null) {
                            decoding.cancel();
                            while (decoding.next() != null) {
                                // ends at once without evaluating; the subscriber asked for nothing more
                            }
                        }
                    }
                } catch (RuntimeException | Error e) {
                    if (!done) {
                        done = true;
                        subscriber.onError(e);
                    }
                }
                missed = pending.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
