package io.llama4j.kernel;

import io.llama4j.spi.ModelSpec;

/**
 * Rotary position embedding. Pair i of a head rotates by {@code pos * theta^(-2i/headDim) / divisor[i]}, the
 * divisors carrying Llama 3.1's frequency scaling. The per-pair base frequency is built by repeated float
 * multiplication, as ggml builds its rope cache, so angles agree with llama.cpp's to the last bit.
 */
final class Rope {
    private final int headDim;
    private final float thetaScale;
    private final float[] divisors;
    private final boolean interleaved;

    Rope(ModelSpec spec) {
        this.headDim = spec.headDim();
        this.thetaScale = (float) Math.pow(spec.ropeTheta(), -2.0 / spec.headDim());
        this.divisors = spec.ropeFreqDivisors();
        this.interleaved = spec.ropePairing() == ModelSpec.RopePairing.INTERLEAVED;
    }

    /** cos and sin of every pair's angle at each position: {@code [positions][headDim/2]}, cos then sin. */
    float[][] table(int firstPosition, int count) {
        float[][] t = new float[count][headDim];
        table(firstPosition, count, t);
        return t;
    }

    /** {@link #table(int, int)} written into {@code t} (at least {@code count} rows of {@code headDim}), allocating nothing. */
    void table(int firstPosition, int count, float[][] t) {
        int half = headDim / 2;
        for (int p = 0; p < count; p++) {
            float theta = firstPosition + p;
            for (int i = 0; i < half; i++) {
                float angle = theta / divisors[i];
                t[p][i] = (float) Math.cos(angle);
                t[p][half + i] = (float) Math.sin(angle);
                theta *= thetaScale;
            }
        }
    }

    /** Rotates {@code heads} consecutive heads of {@code x} starting at {@code offset} with one row of the table. */
    void rotate(float[] x, int offset, int heads, float[] cosSin) {
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < half; i++) {
                int a = interleaved ? base + 2 * i : base + i;
                int b = interleaved ? a + 1 : a + half;
                float cos = cosSin[i];
                float sin = cosSin[half + i];
                float x0 = x[a];
                float x1 = x[b];
                x[a] = x0 * cos - x1 * sin;
                x[b] = x0 * sin + x1 * cos;
            }
        }
    }
}
