package io.llama4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llama4j.Fixtures;
import io.llama4j.format.RopeScaling;
import io.llama4j.format.gguf.GgufFile;
import io.llama4j.format.gguf.LlamaGguf;
import org.junit.jupiter.api.Test;

/** The llama3 rope scaling divisors equal the values tabulated in the reference sheet (section 2.3). */
class RopeScalingMatchesReferenceSheet {
    private static final RopeScaling LLAMA_31 = new RopeScaling(8, 1, 4, 8192);
    private static final RopeScaling LLAMA_32 = new RopeScaling(32, 1, 4, 8192);

    @Test
    void llama31HeadDim128() {
        float[] d = LLAMA_31.divisors(128, 500000);
        for (int i = 0; i <= 28; i++) {
            assertEquals(1f, d[i], "pair " + i);
        }
        assertArrayEquals(new float[] {1.207484f, 1.553415f, 2.026313f, 2.694530f, 3.684253f, 5.257327f},
                java.util.Arrays.copyOfRange(d, 29, 35), 1e-5f);
        for (int i = 35; i < 64; i++) {
            assertEquals(8f, d[i], "pair " + i);
        }
    }

    @Test
    void llama32Factor32HeadDim128() {
        assertArrayEquals(new float[] {1.234937f, 1.651329f, 2.276660f, 3.292262f, 5.171596f, 9.666729f},
                java.util.Arrays.copyOfRange(LLAMA_32.divisors(128, 500000), 29, 35), 1e-5f);
    }

    @Test
    void llama32OneBHeadDim64() {
        float[] d = LLAMA_32.divisors(64, 500000);
        for (int i = 0; i <= 14; i++) {
            assertEquals(1f, d[i]);
        }
        assertArrayEquals(new float[] {1.651329f, 3.292262f, 9.666729f}, java.util.Arrays.copyOfRange(d, 15, 18), 1e-5f);
        for (int i = 18; i < 32; i++) {
            assertEquals(32f, d[i]);
        }
    }

    @Test
    void fixtureRopeFreqsAreTheLlama31Divisors() {
        try (GgufFile file = GgufFile.open(Fixtures.gguf("small-k-Q4_K"))) {
            var spec = LlamaGguf.spec(file);
            assertArrayEquals(LLAMA_31.divisors(spec.headDim(), spec.ropeTheta()), spec.ropeFreqDivisors(), 1e-5f);
        }
    }
}
