package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A snapshot (bytes or file) restores a session that continues exactly as the original: the same tokens
 * and the same logits, greedy and sampled. Snapshots of another model, another version, corrupt or
 * truncated ones are refused with a {@link SnapshotFormatException} naming what and where.
 */
class SessionSnapshotRestoresTheSameContinuation {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.gguf("tiny-Q8_0"), LoadOptions.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationOptions sampled(long seed) {
        return GenerationOptions.builder().maxTokens(12).topLogits(5).seed(seed)
                .sampler(Sampler.builder().temperature(0.9f).build()).build();
    }

    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void restoredBytesContinueLikeTheOriginal(KvCacheType type) {
        try (Session original = model.newSession(SessionOptions.defaults().withContextLength(512).withKvCacheType(type))) {
            Generation first = original.generate(model.tokenizePrompt("Once upon a time"), GenerationOptions.greedy(10), p -> { });
            byte[] snapshot = original.snapshot();
            int[] history = original.contextTokens();
            int[] next = Fixtures.concat(Fixtures.concat(history, new int[] {first.ids()[first.ids().length - 1]}),
                    model.tokenizer().encode(" and then", false));
            try (Session restored = model.restoreSession(snapshot)) {
                assertArrayEquals(history, restored.contextTokens());
                assertEquals(type, restored.options().kvCacheType());
                assertEquals(512, restored.contextLength());
                Generation a = original.generate(next, sampled(7), p -> { });
                Generation b = restored.generate(next, sampled(7), p -> { });
                assertEquals(history.length, a.reusedPromptTokens());
                assertEquals(history.length, b.reusedPromptTokens());
                assertArrayEquals(a.ids(), b.ids());
                assertEquals(a.text(), b.text());
                assertEquals(a.topLogits(), b.topLogits(), "the restored cache holds exactly the same numbers");
            }
        }
    }

    @Test
    void aFileSnapshotRestoresTheSameGreedyContinuation(@TempDir Path dir) {
        Path file = dir.resolve("session.l4js");
        int[] prompt = model.tokenizePrompt("The capital of France is");
        try (Session original = model.newSession(256)) {
            original.prefill(prompt);
            original.saveSnapshot(file);
            try (Session restored = model.restoreSession(file)) {
                Generation a = original.generate(prompt, GenerationOptions.builder().maxTokens(16)
                        .sampler(Sampler.greedy()).topLogits(3).build(), p -> { });
                Generation b = restored.generate(prompt, GenerationOptions.builder().maxTokens(16)
                        .sampler(Sampler.greedy()).topLogits(3).build(), p -> { });
                assertArrayEquals(a.ids(), b.ids());
                assertEquals(a.topLogits(), b.topLogits());
                assertEquals(prompt.length - 1, b.reusedPromptTokens());
            }
        }
    }

    private static byte[] snapshotOf(String prompt) {
        try (Session s = model.newSession(128)) {
            s.prefill(model.tokenizePrompt(prompt));
            return s.snapshot();
        }
    }

    private static SnapshotFormatException refused(byte[] bytes) {
        return assertThrows(SnapshotFormatException.class, () -> model.restoreSession(bytes).close());
    }

    @Test
    void badSnapshotsAreRefusedSayingWhatAndWhere() {
        byte[] good = snapshotOf("Hello world, this is a snapshot");

        SnapshotFormatException e = refused("not a snapshot at all".getBytes());
        assertTrue(e.getMessage().contains("not a llama4j session snapshot"), e.getMessage());
        assertEquals(0, e.offset());

        byte[] version = good.clone();
        version[11] = 9;
        e = refused(version);
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());

        for (int cut : new int[] {5, 20, 60, good.length / 2, good.length - 2}) {
            e = refused(Arrays.copyOf(good, cut));
            assertTrue(e.getMessage().contains("truncated"), cut + ": " + e.getMessage());
            assertTrue(e.offset() <= cut, cut + ": " + e.getMessage());
        }

        byte[] flipped = good.clone();
        flipped[good.length - 100] ^= 0x10;   // inside the cache
        e = refused(flipped);
        assertTrue(e.getMessage().contains("CRC-32"), e.getMessage());

        byte[] longer = Arrays.copyOf(good, good.length + 1);
        e = refused(longer);
        assertTrue(e.getMessage().contains("after the end"), e.getMessage());
    }

    @Test
    void aSnapshotOfAnotherModelIsRefusedNamingBoth() {
        byte[] snapshot = snapshotOf("Hello");
        for (String other : List.of("tiny-F32", "small-k-Q4_0")) {
            try (LlamaModel otherModel = LlamaModel.load(Fixtures.gguf(other))) {
                SnapshotFormatException e = assertThrows(SnapshotFormatException.class,
                        () -> otherModel.restoreSession(snapshot));
                assertTrue(e.getMessage().contains("another model") && e.getMessage().contains("tiny-Q8_0.gguf")
                        && e.getMessage().contains(other + ".gguf"), e.getMessage());
            }
        }
    }

    @Test
    void aMissingFileIsATypedError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("absent.l4js");
        assertThrows(SnapshotFormatException.class, () -> model.restoreSession(file));
        Files.write(file, new byte[0]);
        SnapshotFormatException e = assertThrows(SnapshotFormatException.class, () -> model.restoreSession(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
}
