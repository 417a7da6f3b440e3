package io.llama4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The behaviour {@link Session#generate(String, GenerationOptions, java.util.function.Consumer)} documents for odd prompts. */
class PromptsAtTheEdgesHaveDefinedOutcomes {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.gguf("tiny-Q8_0"), LoadOptions.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void aLoneSurrogateIsTokenizedAsTheReplacementCharacter() {
        assertArrayEquals(model.tokenizePrompt("a\uFFFDb"), model.tokenizePrompt("a\uD800b"));
        assertArrayEquals(model.tokenizePrompt("x\uFFFD"), model.tokenizePrompt("x\uDFFF"));
        try (Session session = model.newSession(32)) {
            assertThat(session.generate("a\uD800b", GenerationOptions.greedy(2), p -> { }).ids()).hasSize(2);
        }
    }

    @Test
    void invalidUtf8BytesArriveAsReplacementCharacters() {
        String decoded = new String(new byte[] {'a', (byte) 0xC3, 'b', (byte) 0xFF}, StandardCharsets.UTF_8);
        assertArrayEquals(model.tokenizePrompt("a\uFFFDb\uFFFD"), model.tokenizePrompt(decoded));
    }

    @Test
    void anEmptyPromptIsTheBeginOfTextToken() {
        int bos = model.spec().bosToken();
        assertThat(bos).isNotNegative();
        assertArrayEquals(new int[] {bos}, model.tokenizePrompt(""));
        try (Session session = model.newSession(32)) {
            assertThat(session.generate("", GenerationOptions.greedy(1), p -> { }).ids()).hasSize(1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> session.generate(new int[0], GenerationOptions.greedy(1), p -> { }));
            assertThat(e.getMessage()).contains("empty");
        }
    }

    @Test
    void zeroMaxTokensEvaluatesNothingAndNegativeIsRefused() {
        try (Session session = model.newSession(32)) {
            Generation g = session.generate(new int[] {1, 2, 3}, GenerationOptions.greedy(0), p -> { });
            assertEquals(StopReason.MAX_TOKENS, g.stopReason());
            assertThat(g.ids()).isEmpty();
            assertThat(g.text()).isEmpty();
            assertThat(session.contextTokens()).as("nothing was evaluated").isEmpty();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GenerationOptions.greedy(-1));
        assertThat(e.getMessage()).contains("maxTokens").contains("-1");
    }

    @Test
    void aContextOfOneHoldsOneTokenAndGeneratesOne() {
        try (Session session = model.newSession(1)) {
            assertEquals(1, session.contextLength());
            // Forced tokens, so that an end-of-generation token cannot end it first.
            Generation g = session.generate(new int[] {7}, GenerationOptions.builder().forcedTokens(5, 5, 5).build(), p -> { });
            assertEquals(StopReason.CONTEXT_FULL, g.stopReason());
            assertThat(g.ids()).hasSize(1);
            ContextOverflowException e = assertThrows(ContextOverflowException.class,
                    () -> session.generate(new int[] {7, 8}, GenerationOptions.greedy(1), p -> { }));
            assertThat(e.getMessage()).contains("2 tokens").contains("holds 1");
        }
        assertThrows(IllegalArgumentException.class, () -> model.newSession(0));
    }

    @Test
    void aTokenIdOutsideTheVocabularyIsRefused() {
        try (Session session = model.newSession(8)) {
            int vocabulary = model.spec().vocabularySize();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> session.generate(new int[] {1, vocabulary}, GenerationOptions.greedy(1), p -> { }));
            assertThat(e.getMessage()).contains("token id " + vocabulary);
            assertThrows(IllegalArgumentException.class,
                    () -> session.generate(new int[] {-1}, GenerationOptions.greedy(1), p -> { }));
        }
    }

    /**
     * 10 MB of ordinary text: refused as too long for the context before anything is evaluated, with memory
     * proportional to the text at most. The figures are printed for the robustness note.
     */
    @Test
    void aTenMegabytePromptIsRefusedQuicklyWithoutExhaustingMemory() {
        String paragraph = "The quick brown fox, 1234 jumps over the lazy dog! \u00dcber Stra\u00dfe, na\u00efve caf\u00e9 \u2014 "
                + "\u6771\u4eac\u30bf\u30ef\u30fc; \u043f\u0440\u0438\u0432\u0435\u0442 \uD83D\uDE00\n";
        String big = paragraph.repeat((10 << 20) / paragraph.length());
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (Session session = model.newSession(4096)) {
            long[] allocated = new long[1];
            long start = System.nanoTime();
            // Timed on its own thread; the allocation is counted on that thread.
            ContextOverflowException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(60), () -> {
                        long before = threads.getCurrentThreadAllocatedBytes();
                        try {
                            return assertThrows(ContextOverflowException.class,
                                    () -> session.generate(big, GenerationOptions.greedy(1), p -> { }));
                        } finally {
                            allocated[0] = threads.getCurrentThreadAllocatedBytes() - before;
                        }
                    });
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("10 MB prompt (%d chars): refused in %d ms, %d MB allocated: %s%n",
                    big.length(), millis, allocated[0] >> 20, e.getMessage());
            assertThat(e.getMessage()).contains("holds 4096");
            // Memory proportional to the text: the ids, the UTF-8 of one piece at a time, scratch arrays.
            assertThat(allocated[0]).as("bytes allocated").isLessThan(16L * big.length());
            assertThat(session.contextTokens()).isEmpty();
        }
    }

    /**
     * A single 1 MB pre-tokenizer piece (a run of one letter, of spaces) is the tokenizer's slowest input: BPE
     * merges it with a heap, O(n log n) but with a large constant. Tokenized directly here, bounded at 1 MB so
     * CI stays quick.
     */
    @Test
    void oneHugePieceIsTokenizedInBoundedTime() {
        for (String run : new String[] {"a".repeat(1 << 20), " ".repeat(1 << 20)}) {
            long start = System.nanoTime();
            int[] ids = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> model.tokenizePrompt(run));
            assertThat(model.tokenizer().decode(ids)).endsWith(run.substring(run.length() - 1000));
            System.out.printf("1 MB run of %s tokenized in %d ms%n", run.charAt(0) == ' ' ? "spaces" : "'a'",
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    /**
     * The same slow input at 10 MB never reaches the tokenizer: even at the vocabulary's longest token per
     * position it could not fit the context, so it is refused at once.
     */
    @Test
    void aTenMegabyteRunOfOneLetterIsRefusedBeforeItIsTokenized() {
        String run = "a".repeat(10 << 20);
        try (Session session = model.newSession(4096)) {
            long start = System.nanoTime();
            ContextOverflowException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(10),
                    () -> assertThrows(ContextOverflowException.class,
                            () -> session.generate(run, GenerationOptions.greedy(1), p -> { })));
            System.out.printf("10 MB run of 'a' refused in %d ms: %s%n", (System.nanoTime() - start) / 1_000_000,
                    e.getMessage());
            assertThat(e.getMessage()).contains("at least").contains("holds 4096");
            assertThat(session.contextTokens()).isEmpty();
        }
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedBeforeAnythingIsEvaluated() {
        String big = "word ".repeat(20_000);
        try (Session session = model.newSession(64)) {
            ContextOverflowException e = assertThrows(ContextOverflowException.class,
                    () -> session.generate(big, GenerationOptions.greedy(1), p -> { }));
            assertThat(e.getMessage()).contains("holds 64");
            assertThat(session.contextTokens()).isEmpty();
        }
    }
}
