package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a session's generate call promises: tokens, text, streaming, stopping rules, seeds, errors. */
class SessionGeneratesAndStops {
    private static LlamaModel model;
    private static JsonNode en;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.gguf("tiny-F32"), LoadOptions.defaults().withThreads(2));
        en = Fixtures.reference("tiny-F32").get("results").get(0);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] prompt() {
        return Fixtures.ints(en.get("prompt_tokens"));
    }

    @Test
    void textPromptsGetBosAndParseSpecialTokensLikeLlamaCpp() {
        assertArrayEquals(prompt(), model.tokenizePrompt(en.get("text").asText()));
    }

    @Test
    void greedyGenerationStreamsLlamaCppsTokensAsText() {
        List<String> pieces = new ArrayList<>();
        try (Session session = model.newSession()) {
            Generation g = session.generate(prompt(), GenerationOptions.greedy(8), pieces::add);
            int[] expected = Arrays.copyOf(Fixtures.ints(en.get("output_tokens")), 8);
            assertArrayEquals(expected, g.ids());
            assertEquals(String.join("", pieces), g.text());
            assertEquals(model.tokenizer().decode(expected), g.text());
            assertEquals(StopReason.MAX_TOKENS, g.stopReason());
        }
    }

    @Test
    void anEndOfTurnTokenEndsGenerationAndIsNotText() {
        int eot = model.tokenizer().tokenId("<|eot_id|>");
        int[] step = {0};
        Sampler endsOnThirdToken = (logits, random) -> step[0]++ == 2 ? eot : Sampler.greedy().sample(logits, null);
        try (Session session = model.newSession()) {
            Generation g = session.generate(prompt(), GenerationOptions.builder().maxTokens(10).sampler(endsOnThirdToken).build(), p -> { });
            assertEquals(3, g.ids().length);
            assertEquals(eot, g.ids()[2]);
            assertEquals(StopReason.END_OF_GENERATION, g.stopReason());
            assertEquals(model.tokenizer().decode(Arrays.copyOf(g.ids(), 2)), g.text());
        }
    }

    @Test
    void zeroMaxTokensGeneratesNothing() {
        try (Session session = model.newSession()) {
            assertEquals(0, session.generate(prompt(), GenerationOptions.greedy(0), p -> { }).ids().length);
        }
    }

    @Test
    void aPromptLongerThanTheContextIsRefused() {
        try (Session session = model.newSession(4)) {
            assertThrows(ContextOverflowException.class, () -> session.generate(prompt(), GenerationOptions.greedy(1), p -> { }));
        }
    }

    @Test
    void generationStopsWhenTheContextIsFull() {
        try (Session session = model.newSession(prompt().length + 2)) {
            Generation g = session.generate(prompt(), GenerationOptions.greedy(10), p -> { });
            assertEquals(StopReason.CONTEXT_FULL, g.stopReason());
            assertEquals(3, g.ids().length);
        }
    }

    @Test
    void theSameSeedGivesTheSameSampledText() {
        Sampler hot = Sampler.builder().temperature(1.5f).topK(0).topP(1f).build();
        try (Session session = model.newSession()) {
            int[] a = session.generate(prompt(), GenerationOptions.builder().maxTokens(16).sampler(hot).seed(1).build(), p -> { }).ids();
            int[] b = session.generate(prompt(), GenerationOptions.builder().maxTokens(16).sampler(hot).seed(1).build(), p -> { }).ids();
            int[] c = session.generate(prompt(), GenerationOptions.builder().maxTokens(16).sampler(hot).seed(2).build(), p -> { }).ids();
            assertArrayEquals(a, b);
            assertNotEquals(Arrays.toString(a), Arrays.toString(c));
        }
    }

    @Test
    void topKOfOneIsGreedyAtAnyTemperature() {
        float[] logits = {0.5f, 3f, 2.9f, -1f};
        Sampler s = Sampler.builder().temperature(5f).topK(1).build();
        for (int seed = 0; seed < 20; seed++) {
            assertEquals(1, s.sample(logits.clone(), new java.util.SplittableRandom(seed)));
        }
    }

    @Test
    void outOfRangeSamplerSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Sampler.builder().temperature(-1f));
        assertThrows(IllegalArgumentException.class, () -> Sampler.builder().topP(0f));
        assertThrows(IllegalArgumentException.class, () -> Sampler.builder().topK(-3));
        assertThrows(IllegalArgumentException.class, () -> GenerationOptions.builder().maxTokens(-1).build());
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRefused() {
        try (Session session = model.newSession()) {
            assertThrows(IllegalArgumentException.class,
                    () -> session.generate(new int[] {128000, 999_999}, GenerationOptions.greedy(1), p -> { }));
        }
    }
}
