package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stop rules, the three ways of streaming, cancellation and prefix reuse, on the tiny fixture. */
class SessionStreamsStopsAndCancels {
    private static LlamaModel model;
    private static int[] prompt;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.gguf("tiny-F32"), LoadOptions.defaults().withThreads(2));
        prompt = Fixtures.ints(Fixtures.reference("tiny-F32").get("results").get(0).get("prompt_tokens"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Generation greedy(int[] promptIds, int tokens, List<String> pieces) {
        try (Session session = model.newSession()) {
            return session.generate(promptIds, GenerationOptions.greedy(tokens), pieces::add);
        }
    }

    @Test
    void aStopStringSpanningTokensIsNeverEmitted() {
        List<String> plainPieces = new ArrayList<>();
        Generation plain = greedy(prompt, 16, plainPieces);
        // a stop string made of the end of one piece and the start of the next
        int k = IntStream.range(1, plainPieces.size()).filter(i -> plainPieces.get(i - 1).length() >= 2
                && plainPieces.get(i).length() >= 2).findFirst().orElseThrow();
        String before = String.join("", plainPieces.subList(0, k));
        String stop = before.substring(before.length() - 2) + plainPieces.get(k).substring(0, 2);
        String expected = plain.text().substring(0, plain.text().indexOf(stop));

        List<String> pieces = new ArrayList<>();
        try (Session session = model.newSession()) {
            Generation g = session.generate(prompt, GenerationOptions.greedy(16).toBuilder().stopStrings("\u0000never", stop)
                    .build(), pieces::add);
            assertEquals(StopReason.STOP_STRING, g.stopReason());
            assertEquals(expected, g.text());
            assertEquals(expected, String.join("", pieces));
            assertTrue(pieces.stream().noneMatch(p -> p.contains(stop)));
        }
    }

    @Test
    void aStopStringThatNeverCompletesIsReleasedAtTheEnd() {
        Generation plain = greedy(prompt, 12, new ArrayList<>());
        String last = plain.text().substring(plain.text().length() - 1);
        try (Session session = model.newSession()) {
            Generation g = session.generate(prompt, GenerationOptions.greedy(12).toBuilder().stopStrings(last + "\u0001")
                    .build(), p -> { });
            assertEquals(plain.text(), g.text());
            assertEquals(StopReason.MAX_TOKENS, g.stopReason());
        }
    }

    @Test
    void aStopTokenEndsTheGenerationAndIsNotText() {
        int[] ids = greedy(prompt, 12, new ArrayList<>()).ids();
        int at = IntStream.range(2, ids.length).filter(i -> Arrays.stream(ids, 0, i).noneMatch(id -> id == ids[i]))
                .findFirst().orElseThrow();
        try (Session session = model.newSession()) {
            Generation g = session.generate(prompt, GenerationOptions.greedy(12).toBuilder().stopTokens(ids[at]).build(),
                    p -> { });
            assertEquals(StopReason.STOP_TOKEN, g.stopReason());
            assertArrayEquals(Arrays.copyOf(ids, at + 1), g.ids());
            assertEquals(model.tokenizer().decode(Arrays.copyOf(ids, at)), g.text());
        }
    }

    @Test
    void piecesNeverSplitAUtf8Character() {
        String text = "héllo 🦙 wörld ✓ 日本";
        int[] forced = model.tokenizer().encode(text, false);
        List<String> pieces = new ArrayList<>();
        try (Session session = model.newSession()) {
            session.generate(prompt, GenerationOptions.builder().forcedTokens(forced).build(), pieces::add);
        }
        assertEquals(text, String.join("", pieces));
        for (String piece : pieces) {
            assertFalse(piece.contains("\uFFFD"), piece);
            assertEquals(piece, new String(piece.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    java.nio.charset.StandardCharsets.UTF_8), "a piece with half a character");
        }
    }

    @Test
    void theListenerTheIteratorTheStreamAndThePublisherGiveTheSamePieces() throws Exception {
        List<String> expected = new ArrayList<>();
        greedy(prompt, 10, expected);
        GenerationOptions options = GenerationOptions.greedy(10);
        try (Session session = model.newSession()) {
            List<String> iterated = new ArrayList<>();
            try (GenerationIterator it = session.iterate(prompt, options)) {
                it.forEachRemaining(iterated::add);
                assertEquals(StopReason.MAX_TOKENS, it.generation().stopReason());
            }
            assertEquals(expected, iterated);

            String text = model.tokenizer().decode(prompt);
            try (var stream = session.stream(text.substring("<|begin_of_text|>".length()), options)) {
                assertEquals(String.join("", expected), stream.collect(Collectors.joining()));
            }

            Collector collector = new Collector();
            session.publish(prompt, options, Runnable::run).subscribe(collector);
            collector.subscription.request(Long.MAX_VALUE);
            assertTrue(collector.done.await(30, TimeUnit.SECONDS));
            assertEquals(expected, collector.pieces);
        }
    }

    @Test
    void thePublisherEvaluatesOnlyWhileThereIsDemand() throws Exception {
        AtomicInteger samples = new AtomicInteger();
        Sampler counting = (logits, random) -> {
            samples.incrementAndGet();
            return Sampler.greedy().sample(logits, random);
        };
        GenerationOptions options = GenerationOptions.builder().maxTokens(12).sampler(counting).build();
        List<String> expected = new ArrayList<>();
        greedy(prompt, 12, expected);
        try (Session session = model.newSession()) {
            Collector collector = new Collector();
            session.publish(prompt, options, task -> Thread.ofVirtual().start(task)).subscribe(collector);
            Thread.sleep(200);
            assertEquals(0, samples.get(), "evaluated before any request");
            collector.subscription.request(2);
            collector.awaitPieces(2);
            Thread.sleep(300);
            assertEquals(2, collector.pieces.size(), "more pieces than requested");
            int sampledSoFar = samples.get();
            Thread.sleep(200);
            assertEquals(sampledSoFar, samples.get(), "kept generating without demand");
            collector.subscription.request(Long.MAX_VALUE);
            assertTrue(collector.done.await(30, TimeUnit.SECONDS));
            assertEquals(expected, collector.pieces);
        }
    }

    @Test
    void cancellingTheSubscriptionStopsTheGenerationAndLeavesTheSessionUsable() throws Exception {
        try (Session session = model.newSession()) {
            Collector collector = new Collector();
            session.publish(prompt, GenerationOptions.greedy(1000), task -> Thread.ofVirtual().start(task)).subscribe(collector);
            collector.subscription.request(3);
            collector.awaitPieces(3);
            collector.subscription.cancel();
            Thread.sleep(200);
            assertEquals(3, collector.pieces.size());
            assertFalse(collector.done.await(100, TimeUnit.MILLISECONDS), "completed after cancel");
            assertEquals(greedy(prompt, 6, new ArrayList<>()).text(),
                    session.generate(prompt, GenerationOptions.greedy(6), p -> { }).text());
        }
    }

    @Test
    void cancelFromAnotherThreadStopsWithinOneTokenAndTheSessionStaysUsable() throws Exception {
        AtomicInteger samples = new AtomicInteger();
        Sampler counting = (logits, random) -> {
            samples.incrementAndGet();
            return Sampler.greedy().sample(logits, random);
        };
        try (Session session = model.newSession()) {
            int[] sampledAtCancel = {-1};
            CountDownLatch firstPiece = new CountDownLatch(1);
            CountDownLatch cancelled = new CountDownLatch(1);
            CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
                try {
                    firstPiece.await();
                    sampledAtCancel[0] = samples.get();
                    session.cancel();
                    cancelled.countDown();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            Generation g = session.generate(prompt, GenerationOptions.builder().maxTokens(100_000).sampler(counting).build(), p -> {
                firstPiece.countDown();
                try {
                    cancelled.await();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            canceller.get(10, TimeUnit.SECONDS);
            assertEquals(StopReason.CANCELLED, g.stopReason());
            assertTrue(g.ids().length <= sampledAtCancel[0] + 1, g.ids().length + " tokens after cancel at " + sampledAtCancel[0]);

            // a cancel while nothing runs is a no-op, and the next generation is as from a fresh session
            session.cancel();
            assertEquals(greedy(prompt, 6, new ArrayList<>()).text(),
                    session.generate(prompt, GenerationOptions.greedy(6), p -> { }).text());
        }
    }

    @Test
    void cancelFromAnotherThreadInterruptsALongGeneration() throws Exception {
        // with a context shift the generation cannot end by itself before the cancel, however fast the machine
        try (Session session = model.newSession(SessionOptions.defaults().withContextLength(64).withContextShift(4))) {
            CompletableFuture<Generation> running = CompletableFuture.supplyAsync(
                    () -> session.generate(prompt, GenerationOptions.greedy(100_000), p -> { }));
            Thread.sleep(300);
            long t0 = System.nanoTime();
            session.cancel();
            Generation g = running.get(10, TimeUnit.SECONDS);
            assertEquals(StopReason.CANCELLED, g.stopReason());
            assertTrue(System.nanoTime() - t0 < 5e9);
        }
    }

    @Test
    void closingAnIteratorEarlyCancelsIt() {
        try (Session session = model.newSession()) {
            GenerationIterator it = session.iterate(prompt, GenerationOptions.greedy(50));
            it.next();
            it.next();
            it.close();
            assertEquals(StopReason.CANCELLED, it.generation().stopReason());
            assertEquals(greedy(prompt, 5, new ArrayList<>()).text(),
                    session.generate(prompt, GenerationOptions.greedy(5), p -> { }).text());
        }
    }

    @Test
    void aPromptSharingAPrefixWithTheLastGenerationReusesItsCacheAndMatchesAColdRun() {
        try (Session session = model.newSession()) {
            Generation first = session.generate(prompt, GenerationOptions.greedy(8), p -> { });
            assertEquals(0, first.reusedPromptTokens());
            int[] longer = IntStream.concat(Arrays.stream(prompt), Arrays.stream(first.ids())).toArray();
            Generation warm = session.generate(longer, GenerationOptions.greedy(6), p -> { });
            // the first run evaluated the prompt and all generated tokens but the last
            assertEquals(prompt.length + 7, warm.reusedPromptTokens());
            Generation cold = greedy(longer, 6, new ArrayList<>());
            assertArrayEquals(cold.ids(), warm.ids());

            Generation again = session.generate(prompt, GenerationOptions.greedy(8), p -> { });
            assertEquals(prompt.length - 1, again.reusedPromptTokens());
            assertArrayEquals(first.ids(), again.ids());
        }
    }

    /** A subscriber recording what it gets; requests nothing by itself. */
    static final class Collector implements Flow.Subscriber<String> {
        final List<String> pieces = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        volatile Flow.Subscription subscription;
        volatile Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(String item) {
            pieces.add(item);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            done.countDown();
        }

        @Override
        public void onComplete() {
            done.countDown();
        }

        void awaitPieces(int n) throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (pieces.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(n, pieces.size(), "pieces received (error: " + error + ")");
        }
    }
}
