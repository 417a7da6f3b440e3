package io.llama4j.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llama4j.Sampler;
import io.llama4j.TokenHistory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each step of the chain against values computed by hand from llama.cpp's formulas (section 7.1 of the
 * reference sheet), never from our own code. Most cases use logits {ln 4, ln 2, 0, 0}, whose softmax is
 * exactly {1/2, 1/4, 1/8, 1/8}.
 */
class ChainSamplerFollowsLlamaCppFormulas {
    private static final float LN2 = (float) Math.log(2);
    private static final float LN4 = (float) Math.log(4);
    private static final float[] HALVES = {LN4, LN2, 0, 0};
    private static final double EPS = 1e-6;

    /** Everything off: temperature 1, no truncation, no penalties. */
    private static ChainSampler.Builder plain() {
        return Sampler.builder().temperature(1).topK(0).topP(1).minP(0);
    }

    /** token id -> probability of being drawn, from the candidates the chain leaves. */
    private static double[] distribution(ChainSampler sampler, float[] logits, TokenHistory history) {
        Candidates c = sampler.filter(logits, history);
        double[] p = c.probabilities();
        double[] byId = new double[logits.length];
        for (int i = 0; i < c.size; i++) {
            byId[c.ids[i]] = p[i];
        }
        return byId;
    }

    private static double[] distribution(ChainSampler sampler, float[] logits) {
        return distribution(sampler, logits, TokenHistory.empty());
    }

    private static void assertDistribution(double[] expected, double[] actual) {
        assertArrayEquals(expected, actual, EPS, () -> "got " + Arrays.toString(actual));
    }

    @Test
    void withEverythingOffTheDrawFollowsTheSoftmax() {
        assertDistribution(new double[] {0.5, 0.25, 0.125, 0.125}, distribution(plain().build(), HALVES));
    }

    @Test
    void topKKeepsTheKHighestLogits() {
        assertDistribution(new double[] {2 / 3.0, 1 / 3.0, 0, 0}, distribution(plain().topK(2).build(), HALVES));
        assertDistribution(new double[] {1, 0, 0, 0}, distribution(plain().topK(1).build(), HALVES));
    }

    @Test
    void topPKeepsTheShortestPrefixReachingP() {
        // cumulative 0.5, 0.75, 0.875, 1
        assertDistribution(new double[] {1, 0, 0, 0}, distribution(plain().topP(0.5f).build(), HALVES));
        assertDistribution(new double[] {2 / 3.0, 1 / 3.0, 0, 0}, distribution(plain().topP(0.7f).build(), HALVES));
        assertDistribution(new double[] {4 / 7.0, 2 / 7.0, 1 / 7.0, 0}, distribution(plain().topP(0.8f).build(), HALVES));
    }

    @Test
    void minPKeepsTokensAtLeastPTimesAsLikelyAsTheBest() {
        // p_max = 0.5: thresholds 0.1 (all), 0.15 (two), 0.3 (one)
        assertDistribution(new double[] {0.5, 0.25, 0.125, 0.125}, distribution(plain().minP(0.2f).build(), HALVES));
        assertDistribution(new double[] {2 / 3.0, 1 / 3.0, 0, 0}, distribution(plain().minP(0.3f).build(), HALVES));
        assertDistribution(new double[] {1, 0, 0, 0}, distribution(plain().minP(0.6f).build(), HALVES));
    }

    @Test
    void temperatureDividesTheLogits() {
        // t = 0.5: weights 16, 4, 1, 1
        assertDistribution(new double[] {16 / 22.0, 4 / 22.0, 1 / 22.0, 1 / 22.0},
                distribution(plain().temperature(0.5f).build(), HALVES));
        // t = 2: weights 2, sqrt 2, 1, 1
        double s = 4 + Math.sqrt(2);
        assertDistribution(new double[] {2 / s, Math.sqrt(2) / s, 1 / s, 1 / s},
                distribution(plain().temperature(2).build(), HALVES));
    }

    @Test
    void temperatureZeroIsGreedyWithTiesToTheLowestId() {
        float[] logits = {1, 5, 5, -2};
        assertDistribution(new double[] {0, 1, 0, 0}, distribution(plain().temperature(0).build(), logits));
        assertEquals(1, Sampler.greedy().sample(logits.clone(), new SplittableRandom(1)));
        assertEquals(1, Sampler.builder().temperature(0).build().sample(logits.clone(), new SplittableRandom(1)));
    }

    @Test
    void repeatPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        float[] logits = {3, -1, 2, 0.5f, 0};
        TokenHistory history = TokenHistory.of(0, 1, 0, 3, 4);
        Candidates c = plain().repeatPenalty(2).build().filter(logits, history);
        // seen: 0 (3 / 2), 1 (-1 * 2), 3 (0.5 / 2), 4 (0 * 2); unseen 2 stays
        assertArrayEquals(new float[] {1.5f, -2, 2, 0.25f, 0}, Arrays.copyOf(c.logits, c.size));
    }

    @Test
    void frequencyAndPresencePenaltiesSubtractPerOccurrenceAndOnce() {
        float[] logits = {3, -1, 2, 0.5f};
        TokenHistory history = TokenHistory.of(0, 1, 0, 3);
        // counts: token 0 twice, 1 once, 3 once
        Candidates c = plain().frequencyPenalty(0.5f).presencePenalty(0.25f).build().filter(logits, history);
        assertArrayEquals(new float[] {3 - 1 - 0.25f, -1 - 0.5f - 0.25f, 2, 0.5f - 0.5f - 0.25f},
                Arrays.copyOf(c.logits, c.size), 1e-6f);
        // all three together: repeat first, then subtract
        c = plain().repeatPenalty(2).frequencyPenalty(0.5f).presencePenalty(0.25f).build().filter(logits, history);
        assertArrayEquals(new float[] {1.5f - 1.25f, -2 - 0.75f, 2, 0.25f - 0.75f}, Arrays.copyOf(c.logits, c.size), 1e-6f);
    }

    @Test
    void penaltiesLookOnlyAtTheLastWindowTokens() {
        float[] logits = {3, -1, 2, 0.5f};
        TokenHistory history = TokenHistory.of(0, 1, 0, 3);
        Candidates c = plain().repeatPenalty(2).penaltyWindow(2).build().filter(logits, history);
        assertArrayEquals(new float[] {1.5f, -1, 2, 0.25f}, Arrays.copyOf(c.logits, c.size));
        c = plain().repeatPenalty(2).penaltyWindow(0).build().filter(logits, history);
        assertArrayEquals(logits, Arrays.copyOf(c.logits, c.size));
        c = plain().repeatPenalty(2).penaltyWindow(-1).build().filter(logits, history);
        assertArrayEquals(new float[] {1.5f, -2, 2, 0.25f}, Arrays.copyOf(c.logits, c.size));
    }

    @Test
    void greedyStillSeesPenalties() {
        float[] logits = {3, 2.9f};
        Sampler s = Sampler.builder().temperature(0).repeatPenalty(2).build();
        assertEquals(1, s.sample(logits.clone(), TokenHistory.of(0), new SplittableRandom(0)));
        assertEquals(0, s.sample(logits.clone(), TokenHistory.empty(), new SplittableRandom(0)));
    }

    @Test
    void logitBiasIsAddedAndMinusInfinityBans() {
        // weights 4, 2, 1, 1 -> token 3 gets * 4
        assertDistribution(new double[] {4 / 11.0, 2 / 11.0, 1 / 11.0, 4 / 11.0},
                distribution(plain().logitBias(3, LN4).build(), HALVES));
        assertDistribution(new double[] {0, 0.5, 0.25, 0.25},
                distribution(plain().logitBias(0, Float.NEGATIVE_INFINITY).build(), HALVES));
        assertEquals(1, Sampler.builder().temperature(0).logitBias(0, Float.NEGATIVE_INFINITY).build()
                .sample(HALVES.clone(), new SplittableRandom(0)));
    }

    @Test
    void truncationComesBeforeTemperatureByDefaultAndTheOrderCanChange() {
        // llama.cpp: min-p 0.3 on {1/2, 1/4, 1/8, 1/8} keeps two, then t = 0.5 makes weights 16, 4
        ChainSampler.Builder b = plain().minP(0.3f).temperature(0.5f);
        assertDistribution(new double[] {0.8, 0.2, 0, 0}, distribution(b.build(), HALVES));
        // HF order: t = 0.5 first gives {16, 4, 1, 1}/22, then min-p 0.3 keeps only 16/22 (4/22 < 0.3 * 16/22)
        ChainSampler hf = b.order(List.of(SamplingStep.PENALTIES, SamplingStep.TEMPERATURE, SamplingStep.TOP_K,
                SamplingStep.TOP_P, SamplingStep.MIN_P)).build();
        assertDistribution(new double[] {1, 0, 0, 0}, distribution(hf, HALVES));
        // top-p 0.7 then t = 2: weights 2, sqrt 2 over the two kept
        double s = 2 + Math.sqrt(2);
        assertDistribution(new double[] {2 / s, Math.sqrt(2) / s, 0, 0},
                distribution(plain().topP(0.7f).temperature(2).build(), HALVES));
        assertEquals(ChainSampler.LLAMA_CPP_ORDER, Sampler.builder().build().order());
    }

    @Test
    void drawsMatchTheExactDistributionByChiSquare() {
        // top-p 0.8 then t = 2 on {1/2, 1/4, 1/8, 1/8}: three kept, weights 2, sqrt 2, 1
        ChainSampler sampler = plain().topP(0.8f).temperature(2).build();
        double s = 3 + Math.sqrt(2);
        double[] expected = {2 / s, Math.sqrt(2) / s, 1 / s, 0};
        int n = 30_000;
        int[] counts = new int[4];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            counts[sampler.sample(HALVES.clone(), random)]++;
        }
        assertEquals(0, counts[3], "a truncated token was drawn");
        double chi2 = 0;
        for (int i = 0; i < 3; i++) {
            double e = expected[i] * n;
            chi2 += (counts[i] - e) * (counts[i] - e) / e;
        }
        // 2 degrees of freedom: P(chi2 > 13.82) = 0.001
        assertTrue(chi2 < 13.82, "chi-square " + chi2 + " for counts " + Arrays.toString(counts));
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        float[] logits = new float[128_256];
        SplittableRandom noise = new SplittableRandom(7);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) noise.nextGaussian() * 3;
        }
        Sampler sampler = Sampler.builder().temperature(1.2f).topK(0).topP(0.9f).minP(0.01f).build();
        int[] a = new int[50];
        int[] b = new int[50];
        SplittableRandom ra = new SplittableRandom(123);
        SplittableRandom rb = new SplittableRandom(123);
        for (int i = 0; i < 50; i++) {
            a[i] = sampler.sample(logits.clone(), ra);
            b[i] = sampler.sample(logits.clone(), rb);
        }
        assertArrayEquals(a, b);
        assertTrue(Arrays.stream(a).distinct().count() > 1, "sampling at temperature 1.2 never varied");
    }

    @Test
    void topKOnALargeVocabularyKeepsExactlyTheKHighest() {
        float[] logits = new float[50_000];
        SplittableRandom noise = new SplittableRandom(3);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) noise.nextGaussian();
        }
        float[] sorted = logits.clone();
        Arrays.sort(sorted);
        Candidates c = plain().topK(40).build().filter(logits, TokenHistory.empty());
        assertEquals(40, c.size);
        for (int i = 0; i < 40; i++) {
            assertEquals(sorted[sorted.length - 1 - i], c.logits[i]);
            assertEquals(logits[c.ids[i]], c.logits[i]);
        }
    }

    @Test
    void outOfRangeSettingsAreRejectedWithTheirName() {
        assertMessage("temperature", () -> Sampler.builder().temperature(-0.1f));
        assertMessage("temperature", () -> Sampler.builder().temperature(Float.NaN));
        assertMessage("top-k", () -> Sampler.builder().topK(-1));
        assertMessage("top-p", () -> Sampler.builder().topP(0));
        assertMessage("top-p", () -> Sampler.builder().topP(1.5f));
        assertMessage("min-p", () -> Sampler.builder().minP(-0.1f));
        assertMessage("min-p", () -> Sampler.builder().minP(1.1f));
        assertMessage("repeat penalty", () -> Sampler.builder().repeatPenalty(0));
        assertMessage("frequency penalty", () -> Sampler.builder().frequencyPenalty(Float.NaN));
        assertMessage("presence penalty", () -> Sampler.builder().presencePenalty(Float.POSITIVE_INFINITY));
        assertMessage("penalty window", () -> Sampler.builder().penaltyWindow(-2));
        assertMessage("logit bias", () -> Sampler.builder().logitBias(-1, 1));
        assertMessage("logit bias", () -> Sampler.builder().logitBias(5, Float.NaN));
        assertMessage("order", () -> Sampler.builder().order(List.of(SamplingStep.TOP_K)));
        assertMessage("vocabulary", () -> plain().logitBias(10, 1).build().sample(HALVES.clone(), new SplittableRandom(0)));
    }

    private static void assertMessage(String word, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(word), e.getMessage());
    }

    @Test
    void samplersAreValuesWithABuilderRoundTrip() {
        ChainSampler a = Sampler.builder().temperature(0.7f).repeatPenalty(1.1f).logitBias(Map.of(5, -1f)).build();
        assertEquals(a, a.toBuilder().build());
        assertEquals(a.hashCode(), a.toBuilder().build().hashCode());
        assertEquals(0.05f, a.minP());
        assertEquals(64, a.penaltyWindow());
    }
}
